package run.getbot.isolation.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a command line and waits for it. */
final class Cli {

  private Cli() {}

  /**
   * The result of a command.
   *
   * @param exit exit code
   * @param output stdout and stderr, merged
   * @param nanos wall time from start to exit
   */
  record Result(int exit, String output, long nanos) {
    Result check(List<String> command) {
      if (exit != 0) {
        throw new IllegalStateException(String.join(" ", command) + " exited with " + exit + ": " + output.trim());
      }
      return this;
    }
  }

  static Result run(List<String> command) {
    long t0 = System.nanoTime();
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE)
          .start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readAllBytes();
      int exit = p.waitFor();
      return new Result(exit, new String(out, StandardCharsets.UTF_8), System.nanoTime() - t0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  static Result check(List<String> command) {
    return run(command).check(command);
  }

  static String output(String... command) {
    return check(List.of(command)).output().trim();
  }

  static String outputOr(String fallback, String... command) {
    try {
      Result r = run(List.of(command));
      return r.exit() == 0 ? r.output().trim() : fallback;
    } catch (RuntimeException e) {
      return fallback;
    }
  }
}
