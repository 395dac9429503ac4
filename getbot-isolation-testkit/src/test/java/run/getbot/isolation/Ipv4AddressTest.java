package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class Ipv4AddressTest {

  private static void assertRejected(String text, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> Ipv4Address.parse(text))
        .withMessageContaining(messageFragment);
    assertThat(Ipv4Address.isValid(text)).isFalse();
  }

  @Test
  void parsesADottedQuadIntoBits() {
    assertThat(Ipv4Address.parse("10.199.0.100").bits()).isEqualTo(10 << 24 | 199 << 16 | 100);
  }

  @Test
  void toStringIsTheDottedQuad() {
    assertThat(Ipv4Address.parse("10.199.0.100")).hasToString("10.199.0.100");
    assertThat(Ipv4Address.parse("0.0.0.0")).hasToString("0.0.0.0");
  }

  @Test
  void toStringOfAddressesWithTheHighBitSetIsUnsigned() {
    assertThat(Ipv4Address.parse("255.255.255.255").bits()).isEqualTo(-1);
    assertThat(Ipv4Address.parse("255.255.255.255")).hasToString("255.255.255.255");
    assertThat(new Ipv4Address(0xC0A8010A)).hasToString("192.168.1.10");
  }

  @Test
  void rejectsLeadingZeros() {
    assertRejected("010.199.0.1", "has an invalid part '010'");
    assertRejected("10.199.0.01", "has an invalid part '01'");
  }

  @Test
  void acceptsASingleZeroPart() {
    assertThat(Ipv4Address.parse("10.0.0.0")).hasToString("10.0.0.0");
  }

  @Test
  void rejectsAPartAbove255() {
    assertRejected("256.1.1.1", "has a part above 255: 256");
    assertRejected("1.1.1.999", "has a part above 255: 999");
  }

  @Test
  void rejectsThreeParts() {
    assertRejected("10.199.1", "must have four dot-separated numbers");
  }

  @Test
  void rejectsFiveParts() {
    assertRejected("1.2.3.4.5", "must have four dot-separated numbers");
    assertRejected("1.2.3.4.", "must have four dot-separated numbers");
  }

  @Test
  void rejectsEmptyParts() {
    assertRejected("1..2.3", "has an invalid part ''");
    assertRejected(".1.2.3", "has an invalid part ''");
  }

  @Test
  void rejectsLetters() {
    assertRejected("a.b.c.d", "has an invalid part 'a'");
    assertRejected("1.2.3.0x1", "has an invalid part '0x1'");
  }

  @Test
  void rejectsSignsSpacesAndNonAsciiDigits() {
    assertRejected("1.2.3.+4", "has an invalid part '+4'");
    assertRejected("1.2.3.4 ", "has an invalid part '4 '");
    assertRejected("1.2.3.٤", "has an invalid part"); // Arabic-Indic digit four
  }

  @Test
  void isValidAcceptsAValidAddress() {
    assertThat(Ipv4Address.isValid("192.168.1.10")).isTrue();
  }

  @Test
  void plusAddsAndComparesUnsigned() {
    Ipv4Address a = Ipv4Address.parse("10.199.0.255");
    assertThat(a.plus(1)).hasToString("10.199.1.0");
    assertThat(a.plus(-255)).hasToString("10.199.0.0");
    assertThat(Ipv4Address.parse("200.0.0.0")).isGreaterThan(Ipv4Address.parse("10.0.0.0"));
  }
}
