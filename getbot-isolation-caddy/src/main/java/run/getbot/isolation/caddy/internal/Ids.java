package run.getbot.isolation.caddy.internal;

import java.util.Optional;

/**
 * The {@code @id}s getbot puts into Caddy's config. Caddy's ids are global across the whole config and 2.6.2 does not
 * enforce their uniqueness, so each id starts with a kind and the server name, followed by the host (unique inside one
 * server) and, where needed, the org or team. The parts are validated host names and labels ({@code a-z0-9-.}), so
 * {@code :} separates them unambiguously and every id is safe in an {@code /id/<id>} URL.
 *
 * <pre>
 * getbot-host:SERVER:HOST            top-level route of one host
 * getbot-org:SERVER:HOST:ORG         that route's subroute handler; records the org owning the host
 * getbot-team:SERVER:HOST:TEAM       team route inside the subroute
 * getbot-default:SERVER:HOST         the org route (all other paths) inside the subroute
 * getbot-nodefault:SERVER:HOST       404 for other paths when the host has team routes only
 * getbot-fallback:SERVER             last top-level route: 404 for unknown hosts
 * getbot-tls:SERVER                  TLS automation policy for the server's hosts
 * </pre>
 */
public final class Ids {

  static final String HOST = "getbot-host:";
  static final String ORG = "getbot-org:";
  static final String TEAM = "getbot-team:";
  static final String DEFAULT = "getbot-default:";
  static final String NO_DEFAULT = "getbot-nodefault:";
  static final String FALLBACK = "getbot-fallback:";
  static final String TLS = "getbot-tls:";

  private final String server;

  /** Ids for the server named {@code server} (already validated: no {@code :}). */
  public Ids(String server) {
    this.server = server;
  }

  /** Top-level route of {@code host}. */
  public String host(String host) {
    return HOST + server + ":" + host;
  }

  /** Subroute handler of {@code host}, recording {@code org}. */
  public String org(String host, String org) {
    return ORG + server + ":" + host + ":" + org;
  }

  /** Team route. */
  public String team(String host, String team) {
    return TEAM + server + ":" + host + ":" + team;
  }

  /** Org (default) route inside the subroute. */
  public String defaultRoute(String host) {
    return DEFAULT + server + ":" + host;
  }

  /** 404 inside the subroute when there is no org route. */
  public String noDefault(String host) {
    return NO_DEFAULT + server + ":" + host;
  }

  /** The catch-all 404 route. */
  public String fallback() {
    return FALLBACK + server;
  }

  /** The TLS automation policy. */
  public String tlsPolicy() {
    return TLS + server;
  }

  /** The host of a top-level route id of this server, if it is one. */
  public Optional<String> hostOf(String id) {
    return after(id, HOST + server + ":");
  }

  /** The org recorded in a subroute handler id of {@code host}, if it is one. */
  public Optional<String> orgOf(String id, String host) {
    return after(id, ORG + server + ":" + host + ":");
  }

  /** The team of a team route id of {@code host}, if it is one. */
  public Optional<String> teamOf(String id, String host) {
    return after(id, TEAM + server + ":" + host + ":");
  }

  /** What follows {@code prefix} in {@code id}: non-empty and without {@code :}. */
  private static Optional<String> after(String id, String prefix) {
    if (id == null || !id.startsWith(prefix)) {
      return Optional.empty();
    }
    String rest = id.substring(prefix.length());
    return rest.isEmpty() || rest.indexOf(':') >= 0 ? Optional.empty() : Optional.of(rest);
  }
}
