package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class BridgeSpecTest {

  private static Ipv4Address ip(String s) {
    return Ipv4Address.parse(s);
  }

  @Test
  void defaultIsGetbotBr0On10_199_0_0Slash24() {
    BridgeSpec d = BridgeSpec.DEFAULT;
    assertThat(d.name()).isEqualTo("getbot-br0");
    assertThat(d.subnet()).isEqualTo(Ipv4Network.parse("10.199.0.0/24"));
    assertThat(d.gateway()).isEqualTo(ip("10.199.0.1"));
    assertThat(d.nat()).isTrue();
    assertThat(d.firstOrgAddress()).isEqualTo(ip("10.199.0.100"));
  }

  @Test
  void defaultGatewayCidrIsGatewaySlashPrefix() {
    assertThat(BridgeSpec.DEFAULT.gatewayCidr()).isEqualTo("10.199.0.1/24");
  }

  @Test
  void rejectsA16CharacterName() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> BridgeSpec.of("abcdefghijklmnop", "10.199.0.0/24"))
        .withMessageContaining("'abcdefghijklmnop' must be 1–15 characters");
  }

  @Test
  void accepts15CharacterName() {
    assertThat(BridgeSpec.of("abcdefghijklmno", "10.199.0.0/24").name()).hasSize(15);
  }

  @Test
  void rejectsEmptyNameAndBadCharacters() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> BridgeSpec.of("", "10.199.0.0/24"))
        .withMessageContaining("must be 1–15 characters");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> BridgeSpec.of("br 0", "10.199.0.0/24"))
        .withMessageContaining("must start with a letter and contain only");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> BridgeSpec.of("0br", "10.199.0.0/24"))
        .withMessageContaining("must start with a letter");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> BridgeSpec.of("Br0", "10.199.0.0/24"))
        .withMessageContaining("must start with a letter");
  }

  @Test
  void rejectsAGatewayOutsideTheSubnet() {
    Ipv4Network net = Ipv4Network.parse("10.199.0.0/24");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new BridgeSpec("br0", net, ip("10.200.0.1"), true, ip("10.199.0.100")))
        .withMessage("gateway 10.200.0.1 is not a host address of 10.199.0.0/24");
  }

  @Test
  void rejectsTheNetworkOrBroadcastAddressAsGateway() {
    Ipv4Network net = Ipv4Network.parse("10.199.0.0/24");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new BridgeSpec("br0", net, ip("10.199.0.0"), true, ip("10.199.0.100")))
        .withMessageContaining("is not a host address");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new BridgeSpec("br0", net, ip("10.199.0.255"), true, ip("10.199.0.100")))
        .withMessageContaining("is not a host address");
  }

  @Test
  void rejectsAFirstOrgAddressOutsideTheSubnetOrOnTheGateway() {
    Ipv4Network net = Ipv4Network.parse("10.199.0.0/24");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new BridgeSpec("br0", net, ip("10.199.0.1"), true, ip("10.199.1.100")))
        .withMessageContaining("first org address 10.199.1.100 is not a host address");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new BridgeSpec("br0", net, ip("10.199.0.1"), true, ip("10.199.0.1")))
        .withMessageContaining("is the gateway");
  }

  @Test
  void ofOnASlash28StartsOrgsRightAfterTheGateway() {
    BridgeSpec b = BridgeSpec.of("br28", "10.0.0.16/28");
    assertThat(b.gateway()).isEqualTo(ip("10.0.0.17"));
    assertThat(b.firstOrgAddress()).isEqualTo(ip("10.0.0.18"));
    assertThat(b.nat()).isTrue();
    assertThat(b.gatewayCidr()).isEqualTo("10.0.0.17/28");
  }

  @Test
  void isOrgAddressIsAtOrAboveTheFirstOrgAddressAndNotBroadcast() {
    BridgeSpec d = BridgeSpec.DEFAULT;
    assertThat(d.isOrgAddress(ip("10.199.0.100"))).isTrue();
    assertThat(d.isOrgAddress(ip("10.199.0.254"))).isTrue();
    assertThat(d.isOrgAddress(ip("10.199.0.99"))).isFalse();
    assertThat(d.isOrgAddress(ip("10.199.0.255"))).isFalse();
    assertThat(d.isOrgAddress(ip("10.199.1.100"))).isFalse();
  }
}
