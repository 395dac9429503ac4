package run.getbot.isolation;

/** The named org, bridge, pool, image, file or route does not exist. */
public final class NotFoundException extends IsolationException {

  /** Creates the exception with a message naming what was not found. */
  public NotFoundException(String message) {
    super(message, null);
  }

  /** Creates the exception with a message and the backend error that reported it. */
  public NotFoundException(String message, Throwable cause) {
    super(message, cause);
  }
}
