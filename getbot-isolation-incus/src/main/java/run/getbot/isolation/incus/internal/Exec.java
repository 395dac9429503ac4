package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;

/**
 * {@code POST /1.0/instances/{name}/exec} with {@code record-output}: no websockets. The exit code is the operation's
 * {@code metadata.return}; stdout and stderr are read from the recorded log files, which are deleted afterwards.
 * Internal.
 */
public final class Exec {

  /** Exit code for a program that does not exist (the daemon fails the operation with "Command not found"). */
  public static final int NOT_FOUND = 127;

  static final String ATTACH_FAILED = "Failed to retrieve PID of executing child process";
  static final int ATTACH_ATTEMPTS = 3;

  private final IncusTransport transport;
  private final Operations operations;

  /** Exec over {@code transport}. */
  public Exec(IncusTransport transport, Operations operations) {
    this.transport = transport;
    this.operations = operations;
  }

  /**
   * Runs {@code command} in the running instance and waits up to {@code timeout}. When liblxc could not attach to the
   * container ("Failed to retrieve PID of executing child process", seen on busy hosts and right after a start) the
   * command never ran, so it is tried again, up to {@value #ATTACH_ATTEMPTS} times.
   */
  public ExecResult run(String instance, ExecCommand command, Duration timeout) {
    for (int attempt = 1; ; attempt++) {
      try {
        return runOnce(instance, command, timeout);
      } catch (OperationFailedException e) {
        if (attempt >= ATTACH_ATTEMPTS || !e.backendMessage().contains(ATTACH_FAILED)) {
          throw e;
        }
        try {
          Thread.sleep(200L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private ExecResult runOnce(String instance, ExecCommand command, Duration timeout) {
    ObjectNode body = Json.object();
    command.argv().forEach(body.putArray("command")::add);
    ObjectNode env = body.putObject("environment");
    command.environment().forEach(env::put);
    body.put("wait-for-websocket", false);
    body.put("interactive", false);
    body.put("record-output", true);
    body.put("width", 0);
    body.put("height", 0);
    command.cwd().ifPresent(cwd -> body.put("cwd", cwd));
    String doing = "running " + command.argv().get(0) + " in " + instance;
    IncusResponse r = transport.call(doing, "POST", "/1.0/instances/" + instance + "/exec", body, Map.of());
    if (r.isError()) {
      if (r.error().toLowerCase(Locale.ROOT).contains("not running")) {
        throw new ConflictException(doing + ": the container is not running (" + r.error() + ")");
      }
      throw IncusErrors.toException(doing, r);
    }
    Operation op = operations.await(Operations.started(r), timeout, doing, null);
    List<String> logs = logPaths(instance, op);
    try {
      if (!op.succeeded()) {
        if (op.failureMessage().toLowerCase(Locale.ROOT).contains("command not found")) {
          return new ExecResult(NOT_FOUND, "", op.failureMessage() + "\n");
        }
        throw new OperationFailedException(doing, op.failureMessage());
      }
      int exitCode = op.metadata().path("return").asInt(-1);
      JsonNode output = op.metadata().path("output");
      String stdout = readLog(doing, Json.text(output, "1"));
      String stderr = readLog(doing, Json.text(output, "2"));
      return new ExecResult(exitCode, stdout, stderr);
    } finally {
      for (String log : logs) {
        try {
          transport.call("deleting exec log", "DELETE", log, null, Map.of());
        } catch (RuntimeException ignored) {
          // best effort: logs expire on their own and go away with the instance
        }
      }
    }
  }

  private String readLog(String doing, String path) {
    if (path.isEmpty()) {
      return "";
    }
    try {
      return new String(transport.getRaw(doing + ": reading output", path).body(), StandardCharsets.UTF_8);
    } catch (NotFoundException gone) {
      return "";
    }
  }

  /** The recorded log files of the operation: from its metadata, else by the daemon's naming scheme. */
  private static List<String> logPaths(String instance, Operation op) {
    List<String> paths = new ArrayList<>();
    JsonNode output = op.metadata().path("output");
    if (output.isObject()) {
      output.forEach(p -> paths.add(p.asText()));
    } else if (!op.id().isEmpty()) {
      String dir = "/1.0/instances/" + instance + "/logs/exec-output/exec_" + op.id();
      paths.add(dir + ".stdout");
      paths.add(dir + ".stderr");
    }
    return paths;
  }
}
