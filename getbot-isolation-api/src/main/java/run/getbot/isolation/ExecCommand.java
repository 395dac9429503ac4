package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import run.getbot.isolation.internal.Checks;

/**
 * A command to run inside an org container, as root. {@link #toString()} never shows environment values, so secrets
 * passed through the environment stay out of logs.
 *
 * @param argv the program and its arguments; the program is looked up on the container's {@code PATH}
 * @param environment variables added to the container's defaults
 * @param cwd the working directory (absolute); empty for the default ({@code /root})
 */
public record ExecCommand(List<String> argv, Map<String, String> environment, Optional<String> cwd) {

  /** Validates and copies. */
  public ExecCommand {
    Objects.requireNonNull(argv, "argv");
    check(!argv.isEmpty() && argv.get(0) != null && !argv.get(0).isEmpty(), "a command needs a program to run");
    argv = List.copyOf(argv);
    for (String arg : argv) {
      check(arg.indexOf('\0') < 0, "command argument " + quote(arg) + " contains a NUL character");
    }
    Objects.requireNonNull(environment, "environment");
    TreeMap<String, String> env = new TreeMap<>();
    environment.forEach((k, v) -> {
      check(k != null && k.matches("[A-Za-z_][A-Za-z0-9_]*"),
          "environment variable name " + (k == null ? "null" : quote(k)) + " must match [A-Za-z_][A-Za-z0-9_]*");
      check(v != null && v.indexOf('\0') < 0, "environment variable " + k + " has no value or contains NUL");
      env.put(k, v);
    });
    environment = java.util.Collections.unmodifiableMap(env);
    Objects.requireNonNull(cwd, "cwd");
    cwd.ifPresent(dir -> {
      Checks.noControl(dir, "working directory");
      check(dir.startsWith("/"), "working directory " + quote(dir) + " must be absolute");
    });
  }

  /** Runs {@code argv} with no extra environment in the default directory. */
  public static ExecCommand of(String... argv) {
    return new ExecCommand(List.of(argv), Map.of(), Optional.empty());
  }

  /** Runs {@code script} with {@code /bin/sh -c}. */
  public static ExecCommand shell(String script) {
    return of("/bin/sh", "-c", script);
  }

  /** A copy with {@code name=value} added to the environment. */
  public ExecCommand withEnv(String name, String value) {
    Map<String, String> env = new TreeMap<>(environment);
    env.put(name, value);
    return new ExecCommand(argv, env, cwd);
  }

  /** A copy that runs in {@code directory}. */
  public ExecCommand withCwd(String directory) {
    return new ExecCommand(argv, environment, Optional.of(directory));
  }

  /** The command line and the environment's names; values are hidden. */
  @Override
  public String toString() {
    return "ExecCommand" + argv + (environment.isEmpty() ? "" : " env=" + environment.keySet() + " (values hidden)")
        + cwd.map(d -> " cwd=" + d).orElse("");
  }
}
