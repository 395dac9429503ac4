package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;

/**
 * The managed bridge the org containers are attached to. IPv6 is always off on it ({@code ipv6.address=none}).
 *
 * @param name the Linux interface name: 1–15 characters of {@code a-z0-9-_.}, starting with a letter
 * @param subnet the bridge's IPv4 network
 * @param gateway the host's address on the bridge, a host address of {@code subnet}
 * @param nat whether outbound traffic is NATed through the host
 * @param firstOrgAddress where static org addresses start; orgs get the lowest free address from here upwards
 */
public record BridgeSpec(String name, Ipv4Network subnet, Ipv4Address gateway, boolean nat,
                         Ipv4Address firstOrgAddress) {

  /** The product's bridge: {@code getbot-br0}, 10.199.0.0/24, gateway .1, NAT on, orgs from 10.199.0.100. */
  public static final BridgeSpec DEFAULT = of("getbot-br0", "10.199.0.0/24");

  /** Validates name and addresses. */
  public BridgeSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(subnet, "subnet");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(firstOrgAddress, "firstOrgAddress");
    check(!name.isEmpty() && name.length() <= 15,
        "bridge name " + quote(name) + " must be 1–15 characters (Linux interface names are at most 15)");
    check(name.charAt(0) >= 'a' && name.charAt(0) <= 'z' && name.chars().allMatch(
        c -> c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'),
        "bridge name " + quote(name) + " must start with a letter and contain only a-z, 0-9, '-', '_' and '.'");
    check(subnet.isHost(gateway), "gateway " + gateway + " is not a host address of " + subnet);
    check(subnet.isHost(firstOrgAddress),
        "first org address " + firstOrgAddress + " is not a host address of " + subnet);
    check(!firstOrgAddress.equals(gateway), "first org address " + firstOrgAddress + " is the gateway");
  }

  /**
   * A NATed bridge on {@code subnet} with the gateway on its first host address and orgs from {@code .100} upwards
   * (from the address after the gateway when the subnet is too small for that).
   */
  public static BridgeSpec of(String name, String subnet) {
    Ipv4Network net = Ipv4Network.parse(subnet);
    Ipv4Address gateway = net.address().plus(1);
    Ipv4Address first = net.address().plus(100);
    return new BridgeSpec(name, net, gateway, true, net.isHost(first) ? first : gateway.plus(1));
  }

  /** The gateway in CIDR form, as Incus' {@code ipv4.address} wants it: {@code 10.199.0.1/24}. */
  public String gatewayCidr() {
    return gateway + "/" + subnet.prefixLength();
  }

  /** True when {@code ip} may be given to an org: in the subnet, at or above the first org address, not reserved. */
  public boolean isOrgAddress(Ipv4Address ip) {
    return subnet.isHost(ip) && ip.compareTo(firstOrgAddress) >= 0 && !ip.equals(gateway);
  }
}
