package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class HostsTest {

  private static final String NOT_A_DNS_NAME = "must be a DNS name";

  private static void assertRejected(String host, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Hosts.check(host))
        .withMessageContaining(messageFragment);
  }

  @Test
  void checkLowerCasesTheHost() {
    assertThat(Hosts.check("ACME.GetBot.Run")).isEqualTo("acme.getbot.run");
  }

  @Test
  void checkAcceptsASingleLabelAndDigits() {
    assertThat(Hosts.check("localhost")).isEqualTo("localhost");
    assertThat(Hosts.check("team-1.acme.test")).isEqualTo("team-1.acme.test");
  }

  @Test
  void rejectsAWildcard() {
    assertRejected("*.acme.test", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsAPort() {
    assertRejected("acme.test:80", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsAPath() {
    assertRejected("acme.test/x", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsAnEmptyLabel() {
    assertRejected("acme..test", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsATrailingDot() {
    assertRejected("acme.test.", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsHeaderInjection() {
    assertRejected("acme.test\r\nX: y", "contains a control character (U+000D) at index 9");
  }

  @Test
  void rejectsJsonInjection() {
    assertRejected("acme\"}", NOT_A_DNS_NAME);
    assertRejected("acme\",\"x\":\"y", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsAnEmptyHostWithInvalidSpecException() {
    assertRejected("", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsLabelsWithLeadingOrTrailingHyphenOrUnderscore() {
    assertRejected("-acme.test", NOT_A_DNS_NAME);
    assertRejected("acme-.test", NOT_A_DNS_NAME);
    assertRejected("ac_me.test", NOT_A_DNS_NAME);
    assertRejected("acme test", NOT_A_DNS_NAME);
  }

  @Test
  void rejectsUnicodeHosts() {
    assertRejected("bücher.test", "must be ASCII");
    assertRejected("\u212Acme.test", "must be ASCII"); // KELVIN SIGN would lower-case to k
  }

  @Test
  void rejectsALabelOf64AndANameOver253Characters() {
    assertRejected("a".repeat(64) + ".test", NOT_A_DNS_NAME);
    String name253 = ("a".repeat(62) + ".").repeat(4) + "a".repeat(1); // 4*63 + 1 = 253
    assertThat(name253).hasSize(253);
    assertThat(Hosts.check(name253)).isEqualTo(name253);
    assertRejected(name253 + "a", NOT_A_DNS_NAME);
  }

  @Test
  void isHostNameRequiresLowerCase() {
    assertThat(Hosts.isHostName("acme.test")).isTrue();
    assertThat(Hosts.isHostName("Acme.test")).isFalse();
    assertThat(Hosts.isHostName("")).isFalse();
  }

  @Test
  void rejectsNamesEndingInANumericLabel() {
    assertRejected("999.1.1.1", NOT_A_DNS_NAME);
    assertRejected("acme.123", NOT_A_DNS_NAME);
    assertThat(Hosts.check("10.svc")).isEqualTo("10.svc");
  }
}
