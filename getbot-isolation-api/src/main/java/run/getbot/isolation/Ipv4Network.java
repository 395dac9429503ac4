package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;

/**
 * An IPv4 network in CIDR form, such as {@code 10.199.0.0/24}; the address must be the network's first address.
 *
 * @param address the network address (host bits zero)
 * @param prefixLength 8 to 30
 */
public record Ipv4Network(Ipv4Address address, int prefixLength) {

  /** Validates alignment and prefix length. */
  public Ipv4Network {
    Objects.requireNonNull(address, "address");
    check(prefixLength >= 8 && prefixLength <= 30, "prefix length must be between 8 and 30, got " + prefixLength);
    check((address.bits() & ~mask(prefixLength)) == 0,
        "network " + address + "/" + prefixLength + " has host bits set; did you mean "
            + new Ipv4Address(address.bits() & mask(prefixLength)) + "/" + prefixLength + "?");
  }

  /** Parses {@code 10.199.0.0/24}. */
  public static Ipv4Network parse(String cidr) {
    Objects.requireNonNull(cidr, "cidr");
    int slash = cidr.indexOf('/');
    check(slash > 0, "network " + quote(cidr) + " must be in CIDR form, e.g. 10.199.0.0/24");
    String prefix = cidr.substring(slash + 1);
    check(!prefix.isEmpty() && prefix.length() <= 2 && prefix.chars().allMatch(c -> c >= '0' && c <= '9'),
        "network " + quote(cidr) + " has an invalid prefix length");
    return new Ipv4Network(Ipv4Address.parse(cidr.substring(0, slash)), Integer.parseInt(prefix));
  }

  private static int mask(int prefixLength) {
    return -1 << (32 - prefixLength);
  }

  /** True when {@code ip} lies in this network (network and broadcast addresses included). */
  public boolean contains(Ipv4Address ip) {
    return (ip.bits() & mask(prefixLength)) == address.bits();
  }

  /** The broadcast address, the network's last. */
  public Ipv4Address broadcast() {
    return new Ipv4Address(address.bits() | ~mask(prefixLength));
  }

  /** True when {@code ip} is in this network and is neither its network nor its broadcast address. */
  public boolean isHost(Ipv4Address ip) {
    return contains(ip) && !ip.equals(address) && !ip.equals(broadcast());
  }

  /** CIDR form. */
  @Override
  public String toString() {
    return address + "/" + prefixLength;
  }
}
