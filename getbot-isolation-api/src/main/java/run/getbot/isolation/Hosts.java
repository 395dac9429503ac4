package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Locale;
import java.util.Objects;
import run.getbot.isolation.internal.Checks;

/** Validation of the host names routes are served on. Not instantiable. */
public final class Hosts {

  private Hosts() {}

  /**
   * True when {@code name} is lower-case ASCII DNS labels joined by dots, at most 253 characters, whose last label is
   * not all digits: {@code 010.199.0.100} or {@code 999.1.1.1} is no host name (RFC 1123 §2.1) but a malformed address
   * that a resolver might read as octal or shorthand.
   */
  public static boolean isHostName(String name) {
    if (name.isEmpty() || name.length() > 253 || name.chars().skip(name.lastIndexOf('.') + 1L).allMatch(
        c -> c >= '0' && c <= '9')) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (!Checks.isDnsLabel(label)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lower-cases {@code host} and returns it if it is a valid host name (no wildcard, port, path or trailing dot);
   * otherwise throws {@link InvalidSpecException}.
   */
  public static String check(String host) {
    Objects.requireNonNull(host, "host");
    Checks.noControl(host, "host " + quote(host));
    Checks.check(host.chars().allMatch(c -> c < 0x80), "host " + quote(host)
        + " must be ASCII; write an internationalized name in punycode (xn--…)");
    String lower = host.toLowerCase(Locale.ROOT);
    Checks.check(isHostName(lower), "host " + quote(host)
        + " must be a DNS name: dot-separated labels of a-z, 0-9 and '-', at most 253 characters");
    return lower;
  }
}
