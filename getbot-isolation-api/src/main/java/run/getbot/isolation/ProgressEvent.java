package run.getbot.isolation;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One step of a long operation, reported to a {@link ProgressListener}.
 *
 * @param step a short stable identifier such as {@code create}, {@code start} or {@code image-upload}
 * @param message a human-readable line
 * @param percent completion of this step, 0–100, when the backend reports it
 */
public record ProgressEvent(String step, String message, OptionalInt percent) {

  /** Checks presence and range. */
  public ProgressEvent {
    Objects.requireNonNull(step, "step");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(percent, "percent");
    if (percent.isPresent() && (percent.getAsInt() < 0 || percent.getAsInt() > 100)) {
      throw new IllegalArgumentException("percent out of range: " + percent.getAsInt());
    }
  }

  /** An event without a percentage. */
  public static ProgressEvent of(String step, String message) {
    return new ProgressEvent(step, message, OptionalInt.empty());
  }

  /** An event with a percentage. */
  public static ProgressEvent of(String step, String message, int percent) {
    return new ProgressEvent(step, message, OptionalInt.of(percent));
  }
}
