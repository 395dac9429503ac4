package run.getbot.isolation.testkit;

import java.util.List;
import java.util.Optional;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.testkit.ShellPrograms.Invocation;

/**
 * {@code test EXPR} and {@code [ EXPR ]} for up to four arguments, as POSIX specifies them: {@code !}, the file tests
 * {@code -e -f -d -s -x}, the string tests {@code -n -z = != ==}, and the integer comparisons
 * {@code -eq -ne -lt -le -gt -ge}. Exit 0 when true, 1 when false, 2 on a usage error.
 */
final class ShellTest {

  private ShellTest() {}

  /** A malformed expression. */
  private static final class Usage extends Exception {
    Usage(String message) {
      super(message, null, false, false);
    }
  }

  static int run(Invocation p, List<String> args) {
    try {
      return evaluate(p, args) ? 0 : 1;
    } catch (Usage e) {
      p.io().err().write("sh: " + e.getMessage() + "\n"); // test is an ash builtin: its errors say "sh:"
      return 2;
    }
  }

  private static boolean evaluate(Invocation p, List<String> a) throws Usage {
    switch (a.size()) {
      case 0:
        return false;
      case 1:
        return !a.get(0).isEmpty();
      case 2:
        return a.get(0).equals("!") ? !evaluate(p, a.subList(1, 2)) : unary(p, a.get(0), a.get(1));
      case 3:
        if (isBinary(a.get(1))) {
          return binary(a.get(0), a.get(1), a.get(2));
        }
        if (a.get(0).equals("!")) {
          return !evaluate(p, a.subList(1, 3));
        }
        throw new Usage(a.get(1) + ": binary operator expected");
      case 4:
        if (a.get(0).equals("!")) {
          return !evaluate(p, a.subList(1, 4));
        }
        throw new Usage("too many arguments");
      default:
        throw new Usage("too many arguments (the in-memory test takes at most four)");
    }
  }

  private static boolean unary(Invocation p, String op, String operand) throws Usage {
    switch (op) {
      case "-n":
        return !operand.isEmpty();
      case "-z":
        return operand.isEmpty();
      default:
        break;
    }
    String path = p.resolve(operand);
    Optional<FileContent> file = operand.isEmpty() ? Optional.empty() : ShellPrograms.read(p, path);
    boolean directory = !operand.isEmpty() && ShellPrograms.isDirectory(p, path);
    switch (op) {
      case "-e":
        return file.isPresent() || directory;
      case "-f":
        return file.isPresent();
      case "-d":
        return directory;
      case "-s":
        return file.map(f -> f.size() > 0).orElse(directory);
      case "-x":
        return directory || file.map(f -> (f.attributes().mode() & 0111) != 0).orElse(false);
      default:
        throw new Usage(op + ": unary operator expected");
    }
  }

  private static boolean isBinary(String op) {
    return List.of("=", "==", "!=", "-eq", "-ne", "-lt", "-le", "-gt", "-ge").contains(op);
  }

  private static boolean binary(String left, String op, String right) throws Usage {
    switch (op) {
      case "=":
      case "==":
        return left.equals(right);
      case "!=":
        return !left.equals(right);
      default:
        break;
    }
    int cmp = Long.compare(number(left), number(right));
    switch (op) {
      case "-eq":
        return cmp == 0;
      case "-ne":
        return cmp != 0;
      case "-lt":
        return cmp < 0;
      case "-le":
        return cmp <= 0;
      case "-gt":
        return cmp > 0;
      default:
        return cmp >= 0;
    }
  }

  private static long number(String s) throws Usage {
    if (!s.trim().matches("-?[0-9]{1,18}")) {
      throw new Usage(s + ": bad number");
    }
    return Long.parseLong(s.trim());
  }
}
