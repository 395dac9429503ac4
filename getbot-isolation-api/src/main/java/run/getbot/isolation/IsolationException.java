package run.getbot.isolation;

/**
 * Base of every error the SDK throws. Unchecked; the subclass says what kind of failure it is, so callers can
 * {@code switch} on it or catch only what they handle.
 */
public abstract sealed class IsolationException extends RuntimeException
    permits InvalidSpecException, NotFoundException, ConflictException, ProviderUnavailableException,
        OperationFailedException {

  IsolationException(String message, Throwable cause) {
    super(message, cause);
  }
}
