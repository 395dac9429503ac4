package run.getbot.isolation.testkit;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.testkit.ShellSyntax.AndOr;
import run.getbot.isolation.testkit.ShellSyntax.Command;
import run.getbot.isolation.testkit.ShellSyntax.Literal;
import run.getbot.isolation.testkit.ShellSyntax.Param;
import run.getbot.isolation.testkit.ShellSyntax.Part;
import run.getbot.isolation.testkit.ShellSyntax.Redirect;
import run.getbot.isolation.testkit.ShellSyntax.RedirectKind;
import run.getbot.isolation.testkit.ShellSyntax.Script;
import run.getbot.isolation.testkit.ShellSyntax.SyntaxError;
import run.getbot.isolation.testkit.ShellSyntax.Word;

/**
 * The default {@link ExecHandler}: runs a command's argv as a program of {@link ShellPrograms}, a shell script file of
 * the container, or a {@code sh -c} script interpreted here (see {@link ExecHandler#miniShell()} for what is
 * supported). Stateless; each run gets its own {@link Session}.
 */
final class MiniShell implements ExecHandler {

  static final MiniShell INSTANCE = new MiniShell();

  /** The environment every command starts with, as Incus sets it; the command's own variables override it. */
  static final Map<String, String> DEFAULT_ENVIRONMENT = Map.of(
      "HOME", "/root",
      "PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "USER", "root",
      "LANG", "C.UTF-8");

  /** The directories programs are found in by an absolute name such as {@code /bin/echo}. */
  private static final List<String> PROGRAM_DIRECTORIES =
      List.of("/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin");

  private MiniShell() {}

  @Override
  public ExecResult run(ExecContext context) {
    Map<String, String> env = new TreeMap<>(DEFAULT_ENVIRONMENT);
    env.putAll(context.command().environment());
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    Session session = new Session(context, env, context.command().cwd().orElse("/root"), List.of("sh"));
    int code = session.runProgram(context.command().argv(), env, new Io(out::append, err::append), false);
    return new ExecResult(code, out.toString(), err.toString());
  }

  /** Where a program writes text. */
  @FunctionalInterface
  interface Sink {
    void write(String text);
  }

  /** A program's standard output and error. */
  record Io(Sink out, Sink err) {}

  /** Thrown by {@code exit} to end the script; carries the status. */
  private static final class Exit extends RuntimeException {
    private final int status;

    Exit(int status) {
      super(null, null, false, false);
      this.status = status;
    }
  }

  /** A redirection target file, written when its command has finished. */
  private static final class FileSink implements Sink {
    private final String path;
    private final StringBuilder buffer = new StringBuilder();

    FileSink(String path) {
      this.path = path;
    }

    @Override
    public void write(String text) {
      buffer.append(text);
    }
  }

  /** One shell process: variables, working directory, positional parameters and the last exit status. */
  static final class Session {
    private final ExecContext context;
    private final Map<String, String> vars;
    private String cwd;
    private final List<String> positional;
    private int status;

    Session(ExecContext context, Map<String, String> vars, String cwd, List<String> positional) {
      this.context = context;
      this.vars = new TreeMap<>(vars);
      this.cwd = cwd;
      this.positional = List.copyOf(positional);
    }

    /**
     * Runs {@code argv} (already expanded) with environment {@code env}; returns its exit status. The shell's own
     * builtins {@code cd}, {@code exit} and {@code export} exist only inside a script ({@code fromScript}), as they
     * are no programs on a real system.
     */
    int runProgram(List<String> argv, Map<String, String> env, Io io, boolean fromScript) {
      String name = argv.get(0);
      List<String> args = argv.subList(1, argv.size());
      if (fromScript) {
        switch (name) {
          case "cd":
            return cd(args, io);
          case "exit":
            return exit(args, io);
          case "export":
            return export(args, io);
          default:
            break;
        }
      }
      String base = name;
      if (name.contains("/")) {
        String dir = MemoryFileSystem.parentOf(name);
        base = PROGRAM_DIRECTORIES.contains(dir) ? name.substring(dir.length() + 1) : "";
      }
      if (base.equals("sh")) {
        return shell(args, env, io);
      }
      Optional<ShellPrograms.Program> program = ShellPrograms.find(base);
      if (program.isPresent()) {
        return program.get().run(new ShellPrograms.Invocation(base, args, env, cwd, context, io));
      }
      if (name.contains("/")) {
        return scriptFile(name, args, env, io);
      }
      io.err().write("sh: " + name + ": not found\n");
      return 127;
    }

    /** {@code sh -c SCRIPT [NAME [ARGS…]]}, {@code sh FILE [ARGS…]}, or {@code sh} reading an empty stdin. */
    private int shell(List<String> args, Map<String, String> env, Io io) {
      if (args.isEmpty()) {
        return 0;
      }
      if (args.get(0).equals("-c")) {
        if (args.size() < 2) {
          io.err().write("sh: -c requires an argument\n");
          return 2;
        }
        List<String> params = args.size() > 2 ? args.subList(2, args.size()) : List.of("sh");
        return new Session(context, env, cwd, params).runScript(args.get(1), io);
      }
      String path = ShellPrograms.resolve(cwd, args.get(0));
      Optional<String> text = readText(path);
      if (text.isEmpty()) {
        io.err().write("sh: can't open '" + args.get(0) + "': No such file or directory\n");
        return 2;
      }
      return new Session(context, env, cwd, args).runScript(text.get(), io);
    }

    /** Runs an executable file of the container as a shell script, whatever its first line says. */
    private int scriptFile(String name, List<String> args, Map<String, String> env, Io io) {
      String path = ShellPrograms.resolve(cwd, name);
      Optional<String> text = readText(path);
      if (text.isEmpty()) {
        io.err().write("sh: " + name + ": not found\n");
        return 127;
      }
      if ((context.files().read(path).orElseThrow().attributes().mode() & 0111) == 0) {
        io.err().write("sh: " + name + ": Permission denied\n");
        return 126;
      }
      List<String> params = new ArrayList<>();
      params.add(name);
      params.addAll(args);
      return new Session(context, env, cwd, params).runScript(text.get(), io);
    }

    private Optional<String> readText(String path) {
      try {
        return context.files().read(path).map(f -> f.utf8());
      } catch (IsolationException e) {
        return Optional.empty(); // an invalid path names no file
      }
    }

    /** Parses and runs {@code source}; a syntax error is exit status 2. */
    int runScript(String source, Io io) {
      Script script;
      try {
        script = ShellParser.parse(source);
      } catch (SyntaxError e) {
        io.err().write("sh: syntax error: " + e.getMessage() + "\n");
        return 2;
      }
      try {
        for (AndOr list : script.lists()) {
          runAndOr(list, io);
        }
      } catch (Exit e) {
        status = e.status;
      }
      return status;
    }

    private void runAndOr(AndOr list, Io io) {
      runCommand(list.commands().get(0), io);
      for (int i = 1; i < list.commands().size(); i++) {
        boolean and = list.operators().get(i - 1).equals("&&");
        if (and == (status == 0)) {
          runCommand(list.commands().get(i), io);
        }
      }
    }

    private void runCommand(Command command, Io io) {
      Map<String, String> assignments = new LinkedHashMap<>();
      int first = 0;
      List<Word> words = command.words();
      while (first < words.size() && words.get(first).assignmentName().isPresent()) {
        Word word = words.get(first++);
        assignments.put(word.assignmentName().get(), join(word.assignmentValue()));
      }
      List<String> argv = new ArrayList<>();
      for (Word word : words.subList(first, words.size())) {
        argv.addAll(fields(word));
      }
      List<FileSink> files = new ArrayList<>();
      int code;
      try {
        Io redirected = redirect(command.redirects(), io, files);
        if (argv.isEmpty()) {
          vars.putAll(assignments);
          code = 0;
        } else {
          Map<String, String> env = vars;
          if (!assignments.isEmpty()) {
            env = new TreeMap<>(vars);
            env.putAll(assignments);
          }
          code = runProgram(argv, env, redirected, true);
        }
      } catch (RedirectFailure e) {
        io.err().write("sh: " + e.getMessage() + "\n");
        code = 1;
      } finally {
        files.forEach(file -> flush(file, io));
      }
      status = command.negated() ? (code == 0 ? 1 : 0) : code;
    }

    private void flush(FileSink file, Io io) {
      try {
        context.files().append(file.path, file.buffer.toString().getBytes(StandardCharsets.UTF_8),
            FileAttributes.DEFAULT);
      } catch (IsolationException e) {
        io.err().write("sh: can't write " + file.path + ": " + e.getMessage() + "\n");
      }
    }

    /** A redirection that cannot be set up; the command does not run. */
    private static final class RedirectFailure extends Exception {
      RedirectFailure(String message) {
        super(message, null, false, false);
      }
    }

    private Io redirect(List<Redirect> redirects, Io io, List<FileSink> files) throws RedirectFailure {
      Sink[] fds = {null, io.out(), io.err()};
      for (Redirect r : redirects) {
        if (r.fd() < 1 || r.fd() > 2) {
          throw new RedirectFailure("unsupported file descriptor " + r.fd() + " (the in-memory shell has 1 and 2)");
        }
        String target = join(r.target());
        if (r.kind() == RedirectKind.DUPLICATE) {
          if (!target.equals("1") && !target.equals("2")) {
            throw new RedirectFailure(target + ": bad file descriptor");
          }
          fds[r.fd()] = fds[Integer.parseInt(target)];
        } else if (target.equals("/dev/null")) {
          fds[r.fd()] = text -> {};
        } else {
          fds[r.fd()] = open(target, r.kind() == RedirectKind.APPEND, files);
        }
      }
      return new Io(fds[1], fds[2]);
    }

    private FileSink open(String target, boolean append, List<FileSink> files) throws RedirectFailure {
      String path = ShellPrograms.resolve(cwd, target);
      ContainerFiles fs = context.files();
      try {
        if (fs.isDirectory(path)) {
          throw new RedirectFailure("can't create " + target + ": Is a directory");
        }
        if (!fs.isDirectory(MemoryFileSystem.parentOf(path))) {
          throw new RedirectFailure("can't create " + target + ": nonexistent directory");
        }
        if (append) {
          fs.append(path, new byte[0], FileAttributes.DEFAULT);
        } else {
          fs.write(path, new byte[0], FileAttributes.DEFAULT);
        }
      } catch (IsolationException e) {
        throw new RedirectFailure("can't create " + target + ": " + e.getMessage());
      }
      FileSink sink = new FileSink(path);
      files.add(sink);
      return sink;
    }

    /** Expands a word into fields: unquoted expansions are split at blanks, quoted parts always make a field. */
    private List<String> fields(Word word) {
      List<String> fields = new ArrayList<>();
      StringBuilder current = null;
      for (Part part : word.parts()) {
        String value = part instanceof Literal lit ? lit.text() : value((Param) part);
        if (part.quoted() || part instanceof Literal) {
          current = current == null ? new StringBuilder() : current;
          current.append(value);
          continue;
        }
        for (char c : value.toCharArray()) {
          if (c == ' ' || c == '\t' || c == '\n') {
            if (current != null) {
              fields.add(current.toString());
              current = null;
            }
          } else {
            current = current == null ? new StringBuilder() : current;
            current.append(c);
          }
        }
      }
      if (current != null) {
        fields.add(current.toString());
      }
      return fields;
    }

    /** Expands a word into one string, without field splitting (assignments, redirection targets). */
    private String join(Word word) {
      StringBuilder sb = new StringBuilder();
      for (Part part : word.parts()) {
        sb.append(part instanceof Literal lit ? lit.text() : value((Param) part));
      }
      return sb.toString();
    }

    private String value(Param param) {
      String name = param.name();
      String value;
      if (name.equals("?")) {
        value = String.valueOf(status);
      } else if (name.equals("#")) {
        value = String.valueOf(positional.size() - 1);
      } else if (Character.isDigit(name.charAt(0))) {
        int index = name.charAt(0) - '0';
        value = index < positional.size() ? positional.get(index) : "";
      } else {
        value = vars.getOrDefault(name, "");
      }
      return value.isEmpty() ? param.fallback().orElse(value) : value;
    }

    private int cd(List<String> args, Io io) {
      String target = args.isEmpty() ? vars.getOrDefault("HOME", "/") : args.get(0);
      String path = ShellPrograms.resolve(cwd, target);
      boolean isDirectory;
      try {
        isDirectory = context.files().isDirectory(path);
      } catch (IsolationException e) {
        isDirectory = false;
      }
      if (!isDirectory) {
        io.err().write("sh: cd: can't cd to " + target + ": No such file or directory\n");
        return 2;
      }
      cwd = path;
      vars.put("PWD", path);
      return 0;
    }

    private int exit(List<String> args, Io io) {
      if (args.isEmpty()) {
        throw new Exit(status);
      }
      if (!args.get(0).matches("[0-9]{1,9}")) {
        io.err().write("sh: exit: Illegal number: " + args.get(0) + "\n");
        throw new Exit(2);
      }
      throw new Exit(Integer.parseInt(args.get(0)) & 0xff);
    }

    private int export(List<String> args, Io io) {
      int code = 0;
      for (String arg : args) {
        int eq = arg.indexOf('=');
        String name = eq < 0 ? arg : arg.substring(0, eq);
        if (!ShellTokenizer.isName(name)) {
          io.err().write("sh: export: " + arg + ": bad variable name\n");
          code = 2;
        } else if (eq >= 0) {
          vars.put(name, arg.substring(eq + 1));
        }
      }
      return code;
    }
  }
}
