package run.getbot.isolation.testkit;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.testkit.MiniShell.Io;

/**
 * The programs of the {@link MiniShell}, with busybox's messages and exit codes. Each one reads its arguments and the
 * container's files and writes to its {@link Io}.
 */
final class ShellPrograms {

  private ShellPrograms() {}

  /** One program. */
  @FunctionalInterface
  interface Program {
    int run(Invocation invocation);
  }

  /** A program's arguments (without its name), environment, working directory, container and output. */
  record Invocation(String name, List<String> args, Map<String, String> env, String cwd, ExecContext context, Io io) {

    void out(String text) {
      io.out().write(text);
    }

    /** Writes {@code NAME: message} and a newline to stderr. */
    void err(String message) {
      io.err().write(name + ": " + message + "\n");
    }

    ContainerFiles files() {
      return context.files();
    }

    String resolve(String path) {
      return ShellPrograms.resolve(cwd, path);
    }
  }

  private static final Map<String, Program> PROGRAMS = Map.ofEntries(
      Map.entry("echo", ShellPrograms::echo),
      Map.entry("printf", ShellPrograms::printf),
      Map.entry("true", p -> 0),
      Map.entry(":", p -> 0),
      Map.entry("false", p -> 1),
      Map.entry("cat", ShellPrograms::cat),
      Map.entry("pwd", p -> print(p, p.cwd())),
      Map.entry("id", ShellPrograms::id),
      Map.entry("hostname", ShellPrograms::hostname),
      Map.entry("env", ShellPrograms::env),
      Map.entry("test", p -> ShellTest.run(p, p.args())),
      Map.entry("[", ShellPrograms::bracket),
      Map.entry("mkdir", ShellPrograms::mkdir),
      Map.entry("rm", ShellPrograms::rm),
      Map.entry("touch", ShellPrograms::touch),
      Map.entry("ls", ShellPrograms::ls),
      Map.entry("sleep", ShellPrograms::sleep));

  /** The program called {@code name} (a bare name, no directory). */
  static Optional<Program> find(String name) {
    return Optional.ofNullable(PROGRAMS.get(name));
  }

  /** {@code path} made absolute against {@code cwd}, with {@code .}, {@code ..} and repeated slashes resolved. */
  static String resolve(String cwd, String path) {
    Deque<String> segments = new ArrayDeque<>();
    String full = path.startsWith("/") ? path : cwd + "/" + path;
    for (String segment : full.split("/")) {
      if (segment.equals("..")) {
        segments.pollLast();
      } else if (!segment.isEmpty() && !segment.equals(".")) {
        segments.addLast(segment);
      }
    }
    return "/" + String.join("/", segments);
  }

  private static int print(Invocation p, String line) {
    p.out(line + "\n");
    return 0;
  }

  private static int echo(Invocation p) {
    List<String> args = p.args();
    boolean newline = args.isEmpty() || !args.get(0).equals("-n");
    p.out(String.join(" ", newline ? args : args.subList(1, args.size())) + (newline ? "\n" : ""));
    return 0;
  }

  /** {@code printf FORMAT [ARG…]} with {@code %s}, {@code %d}, {@code %%} and {@code \n \t \\}; reuses the format. */
  private static int printf(Invocation p) {
    if (p.args().isEmpty()) {
      p.err("missing format");
      return 1;
    }
    String format = p.args().get(0);
    List<String> args = p.args().subList(1, p.args().size());
    StringBuilder out = new StringBuilder();
    int next = 0;
    int code = 0;
    do {
      int consumedBefore = next;
      for (int i = 0; i < format.length(); i++) {
        char c = format.charAt(i);
        char d = i + 1 < format.length() ? format.charAt(i + 1) : '\0';
        if (c == '\\' && "nt\\".indexOf(d) >= 0) {
          out.append(d == 'n' ? '\n' : d == 't' ? '\t' : '\\');
          i++;
        } else if (c == '%' && (d == 's' || d == 'd')) {
          String arg = next < args.size() ? args.get(next) : "";
          next++;
          if (d == 'd' && !arg.matches("-?[0-9]+")) {
            p.io().err().write("sh: invalid number '" + arg + "'\n"); // as ash's builtin printf says it
            code = 1;
            arg = "0";
          }
          out.append(d == 'd' && arg.isEmpty() ? "0" : arg);
          i++;
        } else if (c == '%' && d == '%') {
          out.append('%');
          i++;
        } else {
          out.append(c);
        }
      }
      if (next == consumedBefore) {
        break; // a format without directives prints once
      }
    } while (next < args.size());
    p.out(out.toString());
    return code;
  }

  private static int cat(Invocation p) {
    int code = 0;
    for (String arg : p.args()) {
      if (arg.equals("-") || arg.equals("/dev/null")) {
        continue; // stdin is empty
      }
      String path = p.resolve(arg);
      Optional<FileContent> file = read(p, path);
      if (file.isPresent()) {
        p.out(file.get().utf8());
      } else if (isDirectory(p, path)) {
        p.err("read error: Is a directory");
        code = 1;
      } else {
        p.err("can't open '" + arg + "': No such file or directory");
        code = 1;
      }
    }
    return code;
  }

  private static int id(Invocation p) {
    String flags = String.join("", p.args()).replace("-", "");
    if (!flags.matches("[ugnG]*") || flags.contains("u") && flags.contains("g")) {
      p.err("unsupported arguments " + p.args() + " (the in-memory id knows -u, -g and -n)");
      return 1;
    }
    boolean names = flags.contains("n");
    if (flags.contains("u") || flags.contains("g")) {
      return print(p, names ? "root" : "0");
    }
    return print(p, "uid=0(root) gid=0(root)");
  }

  private static int hostname(Invocation p) {
    if (!p.args().isEmpty()) {
      p.err("sethostname: Operation not permitted");
      return 1;
    }
    return print(p, p.context().org().value());
  }

  private static int env(Invocation p) {
    if (!p.args().isEmpty()) {
      p.err("running a command is not supported by the in-memory shell");
      return 125;
    }
    p.env().forEach((k, v) -> p.out(k + "=" + v + "\n"));
    return 0;
  }

  private static int bracket(Invocation p) {
    List<String> args = p.args();
    if (args.isEmpty() || !args.get(args.size() - 1).equals("]")) {
      p.io().err().write("sh: missing ]\n");
      return 2;
    }
    return ShellTest.run(p, args.subList(0, args.size() - 1));
  }

  /** Splits leading {@code -xyz} options from operands; returns the option letters. */
  private static String options(List<String> args, List<String> operands) {
    StringBuilder options = new StringBuilder();
    boolean done = false;
    for (String arg : args) {
      if (!done && arg.equals("--")) {
        done = true;
      } else if (!done && arg.startsWith("-") && arg.length() > 1) {
        options.append(arg, 1, arg.length());
      } else {
        done = true;
        operands.add(arg);
      }
    }
    return options.toString();
  }

  private static boolean checkOptions(Invocation p, String options, String allowed) {
    for (char c : options.toCharArray()) {
      if (allowed.indexOf(c) < 0) {
        p.err("unrecognized option '" + c + "' (the in-memory " + p.name() + " knows -" + allowed + ")");
        return false;
      }
    }
    return true;
  }

  private static int mkdir(Invocation p) {
    List<String> operands = new ArrayList<>();
    String options = options(p.args(), operands);
    if (!checkOptions(p, options, "p")) {
      return 1;
    }
    boolean parents = options.contains("p");
    int code = 0;
    for (String arg : operands) {
      String path = p.resolve(arg);
      try {
        if (parents) {
          StringBuilder prefix = new StringBuilder();
          for (String segment : path.substring(1).split("/")) {
            prefix.append('/').append(segment);
            p.files().createDirectory(prefix.toString());
          }
        } else if (!p.files().createDirectory(path)) {
          p.err("can't create directory '" + arg + "': File exists");
          code = 1;
        }
      } catch (IsolationException e) {
        p.err("can't create directory '" + arg + "': " + (e instanceof NotFoundException
            ? "No such file or directory" : "File exists"));
        code = 1;
      }
    }
    return code;
  }

  private static int rm(Invocation p) {
    List<String> operands = new ArrayList<>();
    String options = options(p.args(), operands);
    if (!checkOptions(p, options, "frR")) {
      return 1;
    }
    boolean force = options.contains("f");
    boolean recursive = options.contains("r") || options.contains("R");
    int code = 0;
    for (String arg : operands) {
      String path = p.resolve(arg);
      if (path.equals("/")) {
        p.err("can't remove '/'");
        code = 1;
      } else if (isDirectory(p, path)) {
        if (recursive) {
          removeTree(p.files(), path);
        } else {
          p.err("'" + arg + "' is a directory");
          code = 1;
        }
      } else if (!delete(p, path) && !force) {
        p.err("can't remove '" + arg + "': No such file or directory");
        code = 1;
      }
    }
    return code;
  }

  private static void removeTree(ContainerFiles files, String path) {
    if (files.isDirectory(path)) {
      for (String name : files.list(path)) {
        removeTree(files, path + "/" + name);
      }
    }
    files.delete(path);
  }

  private static int touch(Invocation p) {
    int code = 0;
    for (String arg : p.args()) {
      String path = p.resolve(arg);
      try {
        if (!p.files().isFile(path) && !p.files().isDirectory(path)) {
          p.files().write(path, new byte[0], FileAttributes.DEFAULT);
        }
      } catch (IsolationException e) {
        p.err(arg + ": No such file or directory");
        code = 1;
      }
    }
    return code;
  }

  private static int ls(Invocation p) {
    List<String> operands = new ArrayList<>();
    String options = options(p.args(), operands);
    if (!checkOptions(p, options, "aA1")) {
      return 1;
    }
    boolean all = options.contains("a") || options.contains("A");
    if (operands.isEmpty()) {
      operands.add(".");
    }
    int code = 0;
    for (int i = 0; i < operands.size(); i++) {
      String arg = operands.get(i);
      String path = p.resolve(arg);
      if (isDirectory(p, path)) {
        if (operands.size() > 1) {
          p.out((i > 0 ? "\n" : "") + arg + ":\n");
        }
        if (options.contains("a")) {
          p.out(".\n..\n");
        }
        p.files().list(path).stream().filter(name -> all || !name.startsWith(".")).forEach(n -> p.out(n + "\n"));
      } else if (read(p, path).isPresent()) {
        p.out(arg + "\n");
      } else {
        p.err(arg + ": No such file or directory");
        code = 1;
      }
    }
    return code;
  }

  private static int sleep(Invocation p) {
    if (p.args().isEmpty()) {
      p.err("missing operand");
      return 1;
    }
    for (String arg : p.args()) {
      if (!arg.matches("[0-9]+(\\.[0-9]*)?[smhd]?")) {
        p.err("invalid number '" + arg + "'");
        return 1;
      }
    }
    return 0; // no real sleeping: the fake never waits
  }

  /** The file at {@code path}, or empty; a path the container cannot have (control characters…) names no file. */
  static Optional<FileContent> read(Invocation p, String path) {
    try {
      return p.files().read(path);
    } catch (IsolationException e) {
      return Optional.empty();
    }
  }

  static boolean isDirectory(Invocation p, String path) {
    try {
      return p.files().isDirectory(path);
    } catch (IsolationException e) {
      return false;
    }
  }

  private static boolean delete(Invocation p, String path) {
    try {
      return p.files().delete(path);
    } catch (IsolationException e) {
      return false;
    }
  }
}
