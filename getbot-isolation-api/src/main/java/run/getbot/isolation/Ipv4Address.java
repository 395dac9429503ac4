package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;

/**
 * An IPv4 address, parsed strictly from dotted-quad text (no leading zeros, no host names: nothing is looked up).
 *
 * @param bits the address as an unsigned 32-bit value
 */
public record Ipv4Address(int bits) implements Comparable<Ipv4Address> {

  /** Parses {@code 10.199.0.100}. */
  public static Ipv4Address parse(String text) {
    Objects.requireNonNull(text, "text");
    String[] parts = text.split("\\.", -1);
    check(parts.length == 4, "IPv4 address " + quote(text) + " must have four dot-separated numbers");
    int bits = 0;
    for (String part : parts) {
      check(!part.isEmpty() && part.length() <= 3 && part.chars().allMatch(c -> c >= '0' && c <= '9')
          && (part.length() == 1 || part.charAt(0) != '0'), "IPv4 address " + quote(text) + " has an invalid part "
          + quote(part));
      int octet = Integer.parseInt(part);
      check(octet <= 255, "IPv4 address " + quote(text) + " has a part above 255: " + octet);
      bits = bits << 8 | octet;
    }
    return new Ipv4Address(bits);
  }

  /** True when {@code text} parses as an IPv4 address. */
  public static boolean isValid(String text) {
    try {
      parse(text);
      return true;
    } catch (InvalidSpecException e) {
      return false;
    }
  }

  /** The address {@code n} above this one (negative for below), wrapping at 32 bits. */
  public Ipv4Address plus(int n) {
    return new Ipv4Address(bits + n);
  }

  @Override
  public int compareTo(Ipv4Address other) {
    return Integer.compareUnsigned(bits, other.bits);
  }

  /** Dotted-quad form. */
  @Override
  public String toString() {
    return (bits >>> 24) + "." + (bits >>> 16 & 0xff) + "." + (bits >>> 8 & 0xff) + "." + (bits & 0xff);
  }
}
