package run.getbot.isolation.incus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs host commands (the real {@code incus} CLI, {@code bridge}) with a time bound. */
final class Cli {

  private Cli() {}

  /** Output and exit status of a command. */
  record Result(int exit, String out) {
    Result requireOk(String what) {
      if (exit != 0) {
        throw new AssertionError(what + " failed with exit " + exit + ":\n" + out);
      }
      return this;
    }
  }

  /** Runs {@code incus ARGS...} against the tests' socket. */
  static Result incus(String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add("incus");
    cmd.addAll(List.of(args));
    return run(cmd);
  }

  /** Runs a command (stderr merged into stdout), at most 60 s. */
  static Result run(List<String> cmd) {
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("INCUS_SOCKET", RealIncus.socket().toString());
    pb.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin");
    try {
      java.nio.file.Path out = java.nio.file.Files.createTempFile("cli", ".out");
      try {
        pb.redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process p = pb.start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
          p.destroyForcibly();
          throw new AssertionError("timed out: " + cmd);
        }
        return new Result(p.exitValue(), java.nio.file.Files.readString(out, StandardCharsets.UTF_8));
      } finally {
        java.nio.file.Files.deleteIfExists(out);
      }
    } catch (IOException e) {
      throw new AssertionError("cannot run " + cmd + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted: " + cmd, e);
    }
  }
}
