package run.getbot.isolation.incus.internal;

/** HTTP 412: the object changed since it was read. Callers re-read and retry. Internal. */
public final class EtagMismatchException extends RuntimeException {

  /** Creates the exception with the daemon's message. */
  public EtagMismatchException(String message) {
    super(message);
  }
}
