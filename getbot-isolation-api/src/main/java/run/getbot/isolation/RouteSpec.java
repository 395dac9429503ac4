package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;
import java.util.Optional;

/**
 * One ingress route: requests for {@code host} (and, for a team route, paths under {@code /TEAM}) go to
 * {@code upstream}. A host belongs to one org.
 *
 * @param org the org the route belongs to
 * @param host the host name, lower-cased, e.g. {@code acme.getbot.run}
 * @param pathPrefix {@code /TEAM} for a team route: one segment of {@code a-z0-9-}, 1–63 characters, starting with a
 *     letter or digit; empty for the org route
 * @param upstream where matching requests are proxied
 */
public record RouteSpec(OrgName org, String host, Optional<String> pathPrefix, Upstream upstream) {

  /** Validates host and prefix. */
  public RouteSpec {
    Objects.requireNonNull(org, "org");
    host = Hosts.check(host);
    Objects.requireNonNull(pathPrefix, "pathPrefix");
    pathPrefix.ifPresent(RouteSpec::checkPathPrefix);
    Objects.requireNonNull(upstream, "upstream");
  }

  /** The org route: every path of {@code host} goes to {@code upstream}. */
  public static RouteSpec forOrg(OrgName org, String host, Upstream upstream) {
    return new RouteSpec(org, host, Optional.empty(), upstream);
  }

  /** A team route: paths under {@code /team} of {@code host} go to {@code upstream}. */
  public static RouteSpec forTeam(OrgName org, String host, String team, Upstream upstream) {
    Objects.requireNonNull(team, "team");
    return new RouteSpec(org, host, Optional.of("/" + team), upstream);
  }

  /** The team name, without the slash, for a team route. */
  public Optional<String> team() {
    return pathPrefix.map(p -> p.substring(1));
  }

  /** This route's identity. */
  public RouteKey key() {
    return new RouteKey(host, pathPrefix);
  }

  static String checkPathPrefix(String prefix) {
    Objects.requireNonNull(prefix, "pathPrefix");
    check(prefix.matches("/[a-z0-9][a-z0-9-]{0,62}"), "path prefix " + quote(prefix)
        + " must be '/' and a team name of 1–63 characters of a-z, 0-9 and '-', starting with a letter or digit");
    return prefix;
  }
}
