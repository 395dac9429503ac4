package run.getbot.isolation;

/** The caller's input is invalid; thrown before anything is sent to a daemon. The message names the problem. */
public final class InvalidSpecException extends IsolationException {

  /** Creates the exception with a message naming what is wrong and with which value. */
  public InvalidSpecException(String message) {
    super(message, null);
  }

  /** Creates the exception with a message and the error it wraps. */
  public InvalidSpecException(String message, Throwable cause) {
    super(message, cause);
  }
}
