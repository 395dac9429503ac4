package run.getbot.isolation;

/** The backend (Incus socket, Caddy admin endpoint) cannot be reached. The message says where and what to do. */
public final class ProviderUnavailableException extends IsolationException {

  /** Creates the exception with a message naming the endpoint and the remedy. */
  public ProviderUnavailableException(String message) {
    super(message, null);
  }

  /** Creates the exception with a message and the I/O error behind it. */
  public ProviderUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
