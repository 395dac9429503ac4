package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Consumer;
import run.getbot.isolation.OperationFailedException;

/**
 * Waits for operations: {@code GET /1.0/operations/{id}/wait?timeout=N} in a loop until a deadline. {@code /wait}
 * answers HTTP 200 even when the operation failed or the wait timed out, so the body decides; an error body is
 * disambiguated with a plain GET of the operation (which still exists for 5 s after it ends). Internal.
 */
public final class Operations {

  private final IncusTransport transport;

  /** Operations on {@code transport}. */
  public Operations(IncusTransport transport) {
    this.transport = transport;
  }

  /** The operation started by an async response; a sync response is treated as an already finished operation. */
  public static Operation started(IncusResponse response) {
    if (response.isAsync() && response.metadata().isObject()) {
      return Operation.of(response.metadata());
    }
    return new Operation("", "", Operation.SUCCESS, "", response.metadata());
  }

  /** The current state of an operation, or empty once the daemon has forgotten it. */
  public Optional<Operation> get(String id) {
    return transport.getIfExists("reading operation " + id, "/1.0/operations/" + id)
        .map(r -> Operation.of(r.metadata()));
  }

  /**
   * Waits until the operation ends or {@code timeout} passes.
   *
   * @param doing what the operation does, for messages
   * @param progress called with the operation whenever a wait chunk ends without it being final (may be null)
   * @return the final operation: succeeded, failed or cancelled (failures are returned, not thrown)
   * @throws OperationFailedException if it does not end in time or the daemon loses it
   */
  public Operation await(Operation op, Duration timeout, String doing, Consumer<Operation> progress) {
    if (op.isFinal() || op.id().isEmpty()) {
      return op;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration chunkMax = progress == null ? IncusTransport.MAX_WAIT_CHUNK : Duration.ofSeconds(1);
    while (true) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new OperationFailedException(doing + ": did not finish within " + timeout.toSeconds() + " s "
            + "(Incus operation " + op.id() + " still runs)", "");
      }
      long chunk = Math.max(1, Math.min(chunkMax.toSeconds(), (left + 999_999_999L) / 1_000_000_000L));
      IncusResponse r = transport.call(doing, "GET", "/1.0/operations/" + op.id() + "/wait?timeout=" + chunk,
          null, Map.of());
      if (!r.isError() && r.metadata().isObject()) {
        Operation now = Operation.of(r.metadata());
        if (now.isFinal()) {
          return now;
        }
        op = now;
      } else {
        // A timed-out wait and a failed operation look alike ("error" body, HTTP 200): ask the operation itself.
        Optional<Operation> now = get(op.id());
        if (now.isEmpty()) {
          if (r.code() == 404 && r.error().toLowerCase(java.util.Locale.ROOT).contains("operation not found")) {
            throw new OperationFailedException(doing + ": the Incus operation " + op.id() + " vanished before its "
                + "result was read", r.error());
          }
          return Operation.failed(op.id(), op.description(), r.error());
        }
        if (now.get().isFinal()) {
          Operation fin = now.get();
          return fin.succeeded() || !fin.err().isEmpty() ? fin
              : new Operation(fin.id(), fin.description(), fin.statusCode(), r.error(), fin.metadata());
        }
        op = now.get();
      }
      if (progress != null) {
        progress.accept(op);
      }
    }
  }

  /** Waits and throws {@link OperationFailedException} (with the daemon's message) unless the operation succeeded. */
  public Operation awaitSuccess(Operation op, Duration timeout, String doing, Consumer<Operation> progress) {
    Operation fin = await(op, timeout, doing, progress);
    if (!fin.succeeded()) {
      throw new OperationFailedException(doing, fin.failureMessage());
    }
    return fin;
  }

  /**
   * The progress an operation reports: {@code metadata.progress.percent}, else the first {@code *_progress} string
   * with a percentage in it (e.g. {@code "Unpacking image: 45% (40MB/s)"}).
   */
  public static Optional<Progress> progressOf(Operation op) {
    JsonNode md = op.metadata();
    if (md == null || !md.isObject()) {
      return Optional.empty();
    }
    JsonNode p = md.get("progress");
    String text = null;
    for (Iterator<Map.Entry<String, JsonNode>> it = md.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().endsWith("_progress") && e.getValue().isTextual()) {
        text = e.getValue().asText();
        break;
      }
    }
    OptionalInt percent = OptionalInt.empty();
    if (p != null && p.isObject() && p.hasNonNull("percent")) {
      percent = parsePercent(p.get("percent").asText());
    } else if (text != null) {
      int at = text.indexOf('%');
      int start = at;
      while (start > 0 && Character.isDigit(text.charAt(start - 1))) {
        start--;
      }
      if (at > start) {
        percent = parsePercent(text.substring(start, at));
      }
    }
    if (percent.isEmpty() && text == null) {
      return Optional.empty();
    }
    return Optional.of(new Progress(text == null ? op.description() : text, percent));
  }

  private static OptionalInt parsePercent(String s) {
    try {
      int v = Integer.parseInt(s.trim());
      return v >= 0 && v <= 100 ? OptionalInt.of(v) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }

  /**
   * A progress report read from an operation.
   *
   * @param message the daemon's progress line
   * @param percent the percentage, when given
   */
  public record Progress(String message, OptionalInt percent) {}
}
