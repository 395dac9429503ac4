package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class Ipv4NetworkTest {

  private static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  @Test
  void parsesCidrForm() {
    Ipv4Network net = Ipv4Network.parse("10.199.0.0/24");
    assertThat(net.address()).isEqualTo(ip("10.199.0.0"));
    assertThat(net.prefixLength()).isEqualTo(24);
    assertThat(net).hasToString("10.199.0.0/24");
  }

  @Test
  void rejectsAnAddressWithHostBitsSetAndSuggestsTheNetwork() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.199.0.1/24"))
        .withMessageContaining("has host bits set; did you mean 10.199.0.0/24?");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.8/28"))
        .withMessageContaining("did you mean 10.0.0.0/28?");
  }

  @Test
  void acceptsAnAlignedSmallNetwork() {
    assertThat(Ipv4Network.parse("10.0.0.16/28").address()).isEqualTo(ip("10.0.0.16"));
  }

  @Test
  void rejectsPrefixLengthsOutside8To30() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0/7"))
        .withMessage("prefix length must be between 8 and 30, got 7");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0/31"))
        .withMessage("prefix length must be between 8 and 30, got 31");
  }

  @Test
  void rejectsTextWithoutSlashOrWithABadPrefix() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0"))
        .withMessageContaining("must be in CIDR form");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0/"))
        .withMessageContaining("has an invalid prefix length");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0/x"))
        .withMessageContaining("has an invalid prefix length");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Ipv4Network.parse("10.0.0.0/24/1"))
        .withMessageContaining("has an invalid prefix length");
  }

  @Test
  void containsIncludesNetworkAndBroadcastAddress() {
    Ipv4Network net = Ipv4Network.parse("10.199.0.0/24");
    assertThat(net.contains(ip("10.199.0.0"))).isTrue();
    assertThat(net.contains(ip("10.199.0.100"))).isTrue();
    assertThat(net.contains(ip("10.199.0.255"))).isTrue();
    assertThat(net.contains(ip("10.199.1.0"))).isFalse();
    assertThat(net.contains(ip("10.198.255.255"))).isFalse();
  }

  @Test
  void containsWorksForNetworksWithTheHighBitSet() {
    Ipv4Network net = Ipv4Network.parse("192.168.0.0/16");
    assertThat(net.contains(ip("192.168.255.1"))).isTrue();
    assertThat(net.contains(ip("192.169.0.1"))).isFalse();
    assertThat(net.contains(ip("10.168.0.1"))).isFalse();
  }

  @Test
  void broadcastIsTheLastAddress() {
    assertThat(Ipv4Network.parse("10.199.0.0/24").broadcast()).isEqualTo(ip("10.199.0.255"));
    assertThat(Ipv4Network.parse("10.0.0.16/28").broadcast()).isEqualTo(ip("10.0.0.31"));
    assertThat(Ipv4Network.parse("10.0.0.0/8").broadcast()).isEqualTo(ip("10.255.255.255"));
  }

  @Test
  void isHostExcludesNetworkAndBroadcastAddress() {
    Ipv4Network net = Ipv4Network.parse("10.0.0.0/30");
    assertThat(net.isHost(ip("10.0.0.0"))).isFalse();
    assertThat(net.isHost(ip("10.0.0.1"))).isTrue();
    assertThat(net.isHost(ip("10.0.0.2"))).isTrue();
    assertThat(net.isHost(ip("10.0.0.3"))).isFalse();
    assertThat(net.isHost(ip("10.0.0.5"))).isFalse();
  }
}
