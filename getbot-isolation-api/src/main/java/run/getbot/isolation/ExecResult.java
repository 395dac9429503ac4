package run.getbot.isolation;

import java.util.Objects;

/**
 * What a command run with {@link IsolationProvider#exec} produced.
 *
 * @param exitCode the exit status; 127 when the program was not found
 * @param stdout standard output, decoded as UTF-8
 * @param stderr standard error, decoded as UTF-8
 */
public record ExecResult(int exitCode, String stdout, String stderr) {

  /** Checks presence. */
  public ExecResult {
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
  }

  /** True when the exit status is 0. */
  public boolean succeeded() {
    return exitCode == 0;
  }
}
