package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class UpstreamTest {

  private static void assertRejected(String hostPort, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Upstream.parse(hostPort))
        .withMessageContaining(messageFragment);
  }

  @Test
  void parsesAnAddressAndPort() {
    Upstream u = Upstream.parse("10.199.0.100:8080");
    assertThat(u.host()).isEqualTo("10.199.0.100");
    assertThat(u.port()).isEqualTo(8080);
    assertThat(u).hasToString("10.199.0.100:8080");
  }

  @Test
  void parsesAHostNameAndPort() {
    assertThat(Upstream.parse("acme.internal:80")).isEqualTo(new Upstream("acme.internal", 80));
  }

  @Test
  void ofAddressEqualsTheParsedForm() {
    assertThat(Upstream.of(Ipv4Address.parse("10.199.0.100"), 80)).isEqualTo(Upstream.parse("10.199.0.100:80"));
  }

  @Test
  void acceptsPortBounds() {
    assertThat(Upstream.parse("h:1").port()).isEqualTo(1);
    assertThat(Upstream.parse("h:65535").port()).isEqualTo(65535);
  }

  @Test
  void rejectsAMissingPort() {
    assertRejected("acme.internal", "must be host:port");
    assertRejected("acme.internal:", "has an invalid port");
  }

  @Test
  void rejectsAMissingHost() {
    assertRejected(":80", "must be host:port");
  }

  @Test
  void rejectsPortsOutOfRange() {
    assertRejected("h:0", "upstream port must be between 1 and 65535, got 0");
    assertRejected("h:65536", "got 65536");
    assertRejected("h:123456", "has an invalid port");
  }

  @Test
  void rejectsNonNumericPorts() {
    assertRejected("h:+80", "has an invalid port");
    assertRejected("h:http", "has an invalid port");
    assertRejected("h:80 ", "has an invalid port");
  }

  @Test
  void rejectsAnUpperCaseHostName() {
    assertRejected("ACME:80", "upstream host 'ACME' must be an IPv4 address or a lower-case host name");
  }

  @Test
  void rejectsIpv6AndInjectedHosts() {
    assertRejected("[::1]:80", "must be an IPv4 address or a lower-case host name");
    assertRejected("evil\"}:80", "must be an IPv4 address or a lower-case host name");
    assertRejected("a/b:80", "must be an IPv4 address or a lower-case host name");
  }

  @Test
  void rejectsADottedQuadWithLeadingZerosInsteadOfTakingItForAHostName() {
    assertRejected("010.199.0.100:80", "(an address is four numbers 0-255, no leading zeros)");
  }

  @Test
  void rejectsADottedQuadAbove255InsteadOfTakingItForAHostName() {
    assertRejected("999.1.1.1:80", "(an address is four numbers 0-255, no leading zeros)");
  }

  @Test
  void rejectsAllNumericShorthandAddresses() {
    assertRejected("2130706433:80", "(an address is four numbers 0-255, no leading zeros)"); // 127.0.0.1 as one number
    assertRejected("127.1:80", "(an address is four numbers 0-255, no leading zeros)");
  }

  @Test
  void acceptsHostNamesWithDigitsOutsideTheLastLabel() {
    assertThat(Upstream.parse("10.svc:80").host()).isEqualTo("10.svc");
    assertThat(Upstream.parse("web-1.acme.internal:80").host()).isEqualTo("web-1.acme.internal");
  }
}
