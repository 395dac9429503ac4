package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.Test;

class IsolationExceptionTest {

  @Test
  void isSealedWithExactlyTheFiveSubclasses() {
    assertThat(IsolationException.class.isSealed()).isTrue();
    assertThat(IsolationException.class.getPermittedSubclasses()).containsExactlyInAnyOrder(
        InvalidSpecException.class, NotFoundException.class, ConflictException.class,
        ProviderUnavailableException.class, OperationFailedException.class);
  }

  @Test
  void isUncheckedAndAbstract() {
    assertThat(RuntimeException.class).isAssignableFrom(IsolationException.class);
    assertThat(Modifier.isAbstract(IsolationException.class.getModifiers())).isTrue();
  }

  @Test
  void everySubclassIsFinal() {
    for (Class<?> c : IsolationException.class.getPermittedSubclasses()) {
      assertThat(Modifier.isFinal(c.getModifiers())).as(c.getName()).isTrue();
    }
  }

  @Test
  void operationFailedCarriesTheBackendMessageAndIncludesItInGetMessage() {
    OperationFailedException e = new OperationFailedException("starting org acme", "Failed to run: exit status 1");
    assertThat(e.backendMessage()).isEqualTo("Failed to run: exit status 1");
    assertThat(e.getMessage()).isEqualTo("starting org acme: Failed to run: exit status 1");
  }

  @Test
  void operationFailedWithoutBackendMessageHasJustTheMessage() {
    OperationFailedException empty = new OperationFailedException("starting org acme", "");
    assertThat(empty.backendMessage()).isEmpty();
    assertThat(empty.getMessage()).isEqualTo("starting org acme");
    OperationFailedException none = new OperationFailedException("starting org acme", null);
    assertThat(none.backendMessage()).isEmpty();
    assertThat(none.getMessage()).isEqualTo("starting org acme");
  }

  @Test
  void operationFailedKeepsItsCause() {
    IOException cause = new IOException("timeout");
    OperationFailedException e = new OperationFailedException("waiting for operation", "timed out", cause);
    assertThat(e).hasCause(cause);
    assertThat(e.backendMessage()).isEqualTo("timed out");
  }

  @Test
  void invalidSpecKeepsItsMessageAndHasNoCause() {
    InvalidSpecException e = new InvalidSpecException("org name is empty");
    assertThat(e).hasMessage("org name is empty").hasNoCause();
  }
}
