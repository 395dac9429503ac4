package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteKeyTest {

  @Test
  void ofLowerCasesTheHost() {
    assertThat(RouteKey.of("ACME.Test")).isEqualTo(new RouteKey("acme.test", Optional.empty()));
  }

  @Test
  void ofTeamBuildsTheSlashPrefix() {
    RouteKey key = RouteKey.of("acme.test", "marketing");
    assertThat(key.pathPrefix()).contains("/marketing");
    assertThat(key).hasToString("acme.test/marketing");
  }

  @Test
  void rejectsAnInvalidTeam() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> RouteKey.of("acme.test", "../x"))
        .withMessageContaining("path prefix '/../x'");
  }

  @Test
  void rejectsAnInvalidHost() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> RouteKey.of("acme.test:443"))
        .withMessageContaining("host 'acme.test:443' must be a DNS name");
  }
}
