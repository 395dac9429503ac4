package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;

/**
 * Where a route sends traffic: an IPv4 address or host name and a TCP port.
 *
 * @param host an IPv4 address such as {@code 10.199.0.100}, or a lower-case host name
 * @param port 1–65535
 */
public record Upstream(String host, int port) {

  /** Validates host and port. */
  public Upstream {
    Objects.requireNonNull(host, "host");
    check(Ipv4Address.isValid(host) || Hosts.isHostName(host), "upstream host " + quote(host)
        + " must be an IPv4 address or a lower-case host name (an address is four numbers 0-255, no leading zeros)");
    check(port >= 1 && port <= 65535, "upstream port must be between 1 and 65535, got " + port);
  }

  /** The upstream {@code address:port}. */
  public static Upstream of(Ipv4Address address, int port) {
    return new Upstream(address.toString(), port);
  }

  /** Parses {@code host:port}. */
  public static Upstream parse(String hostPort) {
    Objects.requireNonNull(hostPort, "hostPort");
    int colon = hostPort.lastIndexOf(':');
    check(colon > 0, "upstream " + quote(hostPort) + " must be host:port");
    String port = hostPort.substring(colon + 1);
    check(!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9'),
        "upstream " + quote(hostPort) + " has an invalid port");
    return new Upstream(hostPort.substring(0, colon), Integer.parseInt(port));
  }

  /** {@code host:port}. */
  @Override
  public String toString() {
    return host + ":" + port;
  }
}
