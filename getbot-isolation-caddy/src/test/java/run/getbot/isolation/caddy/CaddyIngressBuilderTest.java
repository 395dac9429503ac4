package run.getbot.isolation.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.InvalidSpecException;

/** Builder validation: bad settings fail before anything is sent. */
class CaddyIngressBuilderTest {

  @Test
  void defaults() {
    try (CaddyIngress ingress = CaddyIngress.builder().tls(TlsMode.internal()).build()) {
      assertThat(ingress.adminAddress()).isEqualTo("http://127.0.0.1:2019");
      assertThat(ingress.serverName()).isEqualTo("getbot");
      assertThat(ingress.adminWrites()).isZero();
    }
  }

  @Test
  void aTlsModeIsRequired() {
    assertThatThrownBy(() -> CaddyIngress.builder().build()).isInstanceOf(InvalidSpecException.class)
        .hasMessageContaining("TlsMode");
  }

  @Test
  void invalidSettingsAreRefused() {
    CaddyIngress.Builder b = CaddyIngress.builder();
    assertThatThrownBy(() -> b.serverName("Getbot")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.serverName("a:b")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.serverName("a/b")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.listen("0.0.0.0")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.listen(":443\r\nX: y")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.listen(java.util.List.of())).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.adminAddress("http://127.0.0.1:2019\r\n")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.tls(TlsMode.off()).adminAddress("http://127.0.0.1:2019/x").build())
        .isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.requestTimeout(Duration.ZERO)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.streamCloseDelay(Duration.ofSeconds(-1))).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.caddyVersion("latest")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> b.maxAttempts(0)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> TlsMode.acme("not-an-email")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> TlsMode.acme("ops@example.com\n")).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> TlsMode.acme("ops@example.com", URI.create("file:///etc/passwd")))
        .isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void validListenAddresses() {
    CaddyIngress.builder().listen(":443", "127.0.0.1:8443", "[::1]:443", "tcp4/0.0.0.0:443", "localhost:80-81");
  }
}
