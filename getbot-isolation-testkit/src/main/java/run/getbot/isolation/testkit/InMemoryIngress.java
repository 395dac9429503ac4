package run.getbot.isolation.testkit;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;

/**
 * An {@link Ingress} in memory, with the semantics of the Caddy one: it passes the same {@link IngressContract}.
 * Thread-safe. Besides the interface it can {@link #resolve} a request the way the real router would, count its
 * {@link #writeCount() writes} (so a test can check that changes were batched), and fail on demand.
 */
public final class InMemoryIngress implements Ingress {

  private static final Comparator<RouteKey> ORDER =
      Comparator.comparing(RouteKey::host).thenComparing(key -> key.pathPrefix().orElse(""));

  private final Faults faults =
      new Faults("in-memory ingress", Set.of("upsert", "remove", "removeOrg", "routes", "apply"));

  // Guarded by "this"; replaced as a whole on every write.
  private TreeMap<RouteKey, RouteSpec> routes = new TreeMap<>(ORDER);
  private long writes;

  private InMemoryIngress() {}

  /** An ingress without routes. */
  public static InMemoryIngress create() {
    return new InMemoryIngress();
  }

  @Override
  public void upsert(RouteSpec route) {
    Objects.requireNonNull(route, "route");
    commit("upsert", List.of(RouteChange.upsert(route)));
  }

  @Override
  public boolean remove(RouteKey key) {
    Objects.requireNonNull(key, "key");
    return commit("remove", List.of(RouteChange.remove(key))) > 0;
  }

  @Override
  public int removeOrg(OrgName org) {
    Objects.requireNonNull(org, "org");
    return commit("removeOrg", List.of(RouteChange.removeOrg(org)));
  }

  @Override
  public synchronized List<RouteSpec> routes() {
    faults.check("routes");
    return List.copyOf(routes.values());
  }

  @Override
  public void apply(List<RouteChange> changes) {
    Objects.requireNonNull(changes, "changes");
    changes.forEach(change -> Objects.requireNonNull(change, "a change in the batch is null"));
    commit("apply", List.copyOf(changes));
  }

  /**
   * Applies {@code changes} to a copy of the routes and, if all succeed, makes the copy current and counts one write.
   *
   * @return the number of routes removed
   */
  private synchronized int commit(String operation, List<RouteChange> changes) {
    faults.check(operation);
    TreeMap<RouteKey, RouteSpec> next = new TreeMap<>(routes);
    int removed = 0;
    for (RouteChange change : changes) {
      removed += applyTo(next, change);
    }
    routes = next;
    writes++;
    return removed;
  }

  private static int applyTo(TreeMap<RouteKey, RouteSpec> table, RouteChange change) {
    if (change instanceof RouteChange.Upsert upsert) {
      RouteSpec route = upsert.route();
      for (RouteSpec other : table.values()) {
        if (other.host().equals(route.host()) && !other.org().equals(route.org())) {
          throw new ConflictException("host " + route.host() + " is routed for org " + other.org()
              + ", not for org " + route.org() + " (route " + route.key() + ")");
        }
      }
      table.put(route.key(), route);
      return 0;
    }
    if (change instanceof RouteChange.Remove remove) {
      return table.remove(remove.key()) != null ? 1 : 0;
    }
    OrgName org = ((RouteChange.RemoveOrg) change).org();
    int before = table.size();
    table.values().removeIf(route -> route.org().equals(org));
    return before - table.size();
  }

  /**
   * The route a request for {@code host} and {@code path} takes, as the real router decides: a team route
   * {@code /t} matches {@code /t} and paths below {@code /t/} (not {@code /team2}) and wins over the host's org route;
   * any other path takes the org route. A query string or a {@code :port} on the host is ignored.
   *
   * @return the route, or empty when no route matches (the real router answers 404)
   */
  public synchronized Optional<RouteSpec> resolve(String host, String path) {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(path, "path");
    String name = host.toLowerCase(Locale.ROOT);
    int colon = name.indexOf(':');
    name = colon < 0 ? name : name.substring(0, colon);
    int query = path.indexOf('?');
    String p = query < 0 ? path : path.substring(0, query);
    RouteSpec orgRoute = null;
    for (RouteSpec route : routes.values()) {
      if (!route.host().equals(name)) {
        continue;
      }
      if (route.pathPrefix().isEmpty()) {
        orgRoute = route;
      } else if (p.equals(route.pathPrefix().get()) || p.startsWith(route.pathPrefix().get() + "/")) {
        return Optional.of(route);
      }
    }
    return Optional.ofNullable(orgRoute);
  }

  /**
   * How many writes succeeded: every {@code upsert}, {@code remove}, {@code removeOrg} and {@code apply} call that
   * returned normally counts one, whether or not it changed a route. A failed call counts nothing.
   */
  public synchronized long writeCount() {
    return writes;
  }

  /**
   * While {@code unavailable} is true, every {@link Ingress} call (after validating its input) throws
   * {@link ProviderUnavailableException} and changes nothing, as if Caddy's admin endpoint were down.
   */
  public void setUnavailable(boolean unavailable) {
    faults.setUnavailable(unavailable);
  }

  /**
   * Makes the next call of {@code operation} throw {@code failure} and change nothing. Failures queue up per
   * operation, each used once.
   *
   * @param operation {@code "upsert"}, {@code "remove"}, {@code "removeOrg"}, {@code "routes"} or {@code "apply"}
   * @throws IllegalArgumentException for another name
   */
  public void failNext(String operation, IsolationException failure) {
    faults.failNext(operation, failure);
  }
}
