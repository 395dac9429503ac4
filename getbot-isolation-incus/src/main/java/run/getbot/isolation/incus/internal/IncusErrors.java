package run.getbot.isolation.incus.internal;

import java.util.Locale;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProviderUnavailableException;

/**
 * Maps daemon errors to the SDK's exceptions. Many Incus user errors come back as 500 ("in use", invalid config), so
 * the message is classified as well as the code. Internal.
 */
public final class IncusErrors {

  private IncusErrors() {}

  /**
   * The exception for an error response.
   *
   * @param doing what the SDK was doing, e.g. {@code "creating network gbt-1"}
   */
  public static RuntimeException toException(String doing, IncusResponse response) {
    return toException(doing, response.code(), response.error());
  }

  /** The exception for an error {@code code} with the daemon's {@code message}. */
  public static RuntimeException toException(String doing, int code, String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    if (code == 412) {
      return new EtagMismatchException(doing + ": " + message);
    }
    if (code == 404) {
      return new NotFoundException(doing + ": " + message);
    }
    if (code == 409 || lower.contains("already exists") || isInUse(lower)) {
      return new ConflictException(doing + ": " + message);
    }
    if (code == 403) {
      return new ProviderUnavailableException(doing + ": the Incus daemon refused access (" + message
          + "); use a user in the incus-admin group, or a trusted client");
    }
    return new OperationFailedException(doing, message);
  }

  /** True for the daemon's "X is in use" family of messages. */
  static boolean isInUse(String lowerMessage) {
    return lowerMessage.contains("in use") || lowerMessage.contains("still in use");
  }
}
