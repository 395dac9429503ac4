package run.getbot.isolation;

/**
 * The request contradicts what exists: a bridge with another subnet, a host routed to another org, an exec in a
 * stopped container. Nothing was changed.
 */
public final class ConflictException extends IsolationException {

  /** Creates the exception with a message naming both sides of the conflict. */
  public ConflictException(String message) {
    super(message, null);
  }

  /** Creates the exception with a message and the backend error that reported it. */
  public ConflictException(String message, Throwable cause) {
    super(message, cause);
  }
}
