package run.getbot.isolation;

import java.util.Objects;

/** The backend accepted a request but it failed or timed out; {@link #backendMessage()} is the daemon's own words. */
public final class OperationFailedException extends IsolationException {

  private final String backendMessage;

  /**
   * Creates the exception.
   *
   * @param message what the SDK was doing, e.g. {@code "starting org acme"}
   * @param backendMessage the daemon's message, verbatim (may be empty)
   */
  public OperationFailedException(String message, String backendMessage) {
    this(message, backendMessage, null);
  }

  /** Creates the exception with the cause behind it. */
  public OperationFailedException(String message, String backendMessage, Throwable cause) {
    super(backendMessage == null || backendMessage.isEmpty() ? message : message + ": " + backendMessage, cause);
    this.backendMessage = Objects.requireNonNullElse(backendMessage, "");
  }

  /** The backend's own error message, verbatim; empty when the backend gave none. */
  public String backendMessage() {
    return backendMessage;
  }
}
