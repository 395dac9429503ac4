package run.getbot.isolation;

import java.util.Objects;
import java.util.Optional;

/**
 * What identifies a route: its host and optional team path prefix. An org route and its team routes share the host.
 *
 * @param host the host name, lower-case
 * @param pathPrefix {@code /TEAM}, or empty for the org's own route
 */
public record RouteKey(String host, Optional<String> pathPrefix) {

  /** Validates host and prefix. */
  public RouteKey {
    host = Hosts.check(host);
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    pathPrefix.ifPresent(RouteSpec::checkPathPrefix);
  }

  /** The org route of {@code host}. */
  public static RouteKey of(String host) {
    return new RouteKey(host, Optional.empty());
  }

  /** The route of {@code team} under {@code host}, path prefix {@code /team}. */
  public static RouteKey of(String host, String team) {
    return new RouteKey(host, Optional.of("/" + team));
  }

  /** {@code host/team} or {@code host}. */
  @Override
  public String toString() {
    return host + pathPrefix.orElse("");
  }
}
