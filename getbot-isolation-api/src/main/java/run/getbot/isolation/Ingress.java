package run.getbot.isolation;

import java.util.List;

/**
 * The HTTP(S) entry point that routes {@code ORG.<domain>} and {@code ORG.<domain>/TEAM} to org containers: Caddy
 * ({@code getbot-isolation-caddy}) or the in-memory fake ({@code getbot-isolation-testkit}).
 *
 * <p>A team route always wins over its host's org route for paths under {@code /TEAM}, whatever the order the routes
 * were added in. A host belongs to one org: routing it for another is a {@link ConflictException}. Implementations are
 * thread-safe; a change either applies whole or not at all.
 */
public interface Ingress extends AutoCloseable {

  /**
   * Adds the route, or replaces the one with the same {@link RouteSpec#key() key}.
   *
   * @throws ConflictException if the host is routed for another org
   */
  void upsert(RouteSpec route);

  /** Removes the route; returns false if there was none. */
  boolean remove(RouteKey key);

  /** Removes every route of {@code org}; returns how many there were. */
  int removeOrg(OrgName org);

  /** Every route, read back from the backend, sorted by host then path prefix (org route first). */
  List<RouteSpec> routes();

  /**
   * Applies the changes in order as one update: all of them or, on error, none.
   *
   * @throws ConflictException if an upsert routes a host that another org holds after the preceding changes
   */
  void apply(List<RouteChange> changes);

  /** Releases connections. The default does nothing. */
  @Override
  default void close() {}
}
