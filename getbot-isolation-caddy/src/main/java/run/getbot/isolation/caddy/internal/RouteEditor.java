package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteSpec;

/**
 * Read-modify-write of getbot's part of Caddy's config with optimistic concurrency: read {@code /config/apps} and its
 * ETag, apply the change to the parsed {@link RouteTable}, converge the layout, and send the single narrowest
 * {@link ConfigWrite} with {@code If-Match}. On 412 (someone else wrote in between) it re-reads and re-applies the
 * change, so concurrent writers in other processes lose nothing. Nothing is written when nothing changes.
 *
 * <p>Narrow path: when the caller names the hosts a change can touch, all of them existed at this editor's last
 * whole-config edit, and the change only replaces routes of those hosts (the host set, hence the TLS policy and the
 * route order, stays the same), the editor reads just those hosts' routes with {@code GET /id/getbot-host:SERVER:HOST}
 * (each with an ETag covering that route alone), applies the change to them, and writes the one route that changed
 * back with {@code PATCH /id/...} under its ETag. Anything else (a missing id, a route getbot cannot read, a host
 * added or removed, more than one route changed, no ETag, a 412) falls back to the whole-config path above. The first
 * edit of an editor always takes the whole-config path, so the server's settings are converged once per editor.
 */
public final class RouteEditor {

  private static final Logger LOG = LoggerFactory.getLogger(RouteEditor.class);
  private static final List<String> APPS = List.of("apps");
  /** The narrow path reads at most this many host routes; larger changes go the whole-config way directly. */
  static final int MAX_NARROW_HOSTS = 8;

  private final AdminClient client;
  private final ConfigLayout layout;
  private final Optional<CaddyVersion> statedVersion;
  private final int maxAttempts;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Boolean streamCloseDelaySupported;
  private volatile boolean warnedNoETag;
  /**
   * The hosts routed after this editor's last whole-config edit (read or written), null before the first one: a hint
   * of which hosts a narrow edit may find (always verified by reading their routes), guarded by {@link #lock}.
   */
  private SortedSet<String> knownHosts;

  /**
   * An editor.
   *
   * @param client the admin client
   * @param layout the layout to converge to
   * @param statedVersion the Caddy version the caller stated; empty: probe when needed
   * @param maxAttempts how many times to try a write that keeps meeting 412
   */
  public RouteEditor(AdminClient client, ConfigLayout layout, Optional<CaddyVersion> statedVersion,
      int maxAttempts) {
    this.client = Objects.requireNonNull(client, "client");
    this.layout = Objects.requireNonNull(layout, "layout");
    this.statedVersion = Objects.requireNonNull(statedVersion, "statedVersion");
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be positive");
    }
    this.maxAttempts = maxAttempts;
  }

  /**
   * Applies {@code mutation} to the current routes and writes the result (at most one write per attempt), always
   * through the whole {@code /config/apps}.
   *
   * @param what what is being done, for error messages
   * @param mutation changes the table and returns the caller's result; may throw (nothing is written then)
   */
  public <T> T edit(String what, Function<RouteTable, T> mutation) {
    return edit(what, Set.of(), mutation);
  }

  /**
   * Applies {@code mutation} to the current routes and writes the result (at most one write per attempt; one in all
   * unless Caddy answers 412).
   *
   * @param what what is being done, for error messages
   * @param hosts every host whose routes {@code mutation} may change; empty when unknown (then the whole-config path
   *     is taken). A mutation must not touch other hosts.
   * @param mutation changes the table and returns the caller's result; may throw (nothing is written then); may be
   *     applied more than once, each time to a fresh table
   */
  public <T> T edit(String what, Collection<String> hosts, Function<RouteTable, T> mutation) {
    Objects.requireNonNull(hosts, "hosts");
    lock.lock();
    try {
      if (!hosts.isEmpty() && hosts.size() <= MAX_NARROW_HOSTS && knownHosts != null
          && knownHosts.containsAll(hosts)) {
        Optional<Done<T>> done = narrow(what, new TreeSet<>(hosts), mutation);
        if (done.isPresent()) {
          return done.get().result();
        }
      }
      return whole(what, mutation);
    } finally {
      lock.unlock();
    }
  }

  /** A finished edit's result (which may be null). */
  private record Done<T>(T result) {}

  /**
   * The narrow path: reads the routes of {@code hosts} by id, applies {@code mutation} to them, and writes the one
   * route that changed with {@code PATCH /id/...} under that route's ETag. Empty: take the whole-config path (nothing
   * was applied, at most a write Caddy refused with 412). A {@link ConflictException} of the mutation propagates
   * before anything is sent, as on the whole-config path.
   */
  private <T> Optional<Done<T>> narrow(String what, SortedSet<String> hosts, Function<RouteTable, T> mutation) {
    Ids ids = layout.ids();
    Map<String, AdminClient.Snapshot> read = new TreeMap<>();
    ArrayNode routes = Json.array();
    for (String host : hosts) {
      AdminClient.Snapshot snapshot;
      try {
        snapshot = client.getId(ids.host(host), what);
      } catch (NotFoundException | OperationFailedException e) {
        LOG.debug("{}: no route {} to edit alone ({}); editing the whole config", what, ids.host(host),
            e.getMessage());
        return Optional.empty();
      }
      if (snapshot.etag().isEmpty() || !snapshot.value().isObject()
          || !ids.host(host).equals(Json.textOrNull(snapshot.value(), "@id"))) {
        LOG.debug("{}: route {} came without an ETag or is not getbot's; editing the whole config", what,
            ids.host(host));
        return Optional.empty();
      }
      read.put(host, snapshot);
      routes.add(snapshot.value());
    }
    // The org owning each host comes from its getbot-org id; a route getbot cannot read is rewritten whole.
    RouteTable table = RouteTable.parse(routes, ids);
    if (!table.hostNames().equals(hosts)) {
      return Optional.empty();
    }
    T result = mutation.apply(table);
    if (!table.hostNames().equals(hosts)) {
      return Optional.empty();
    }
    boolean streamCloseDelay = layout.usesStreamCloseDelay(streamCloseDelaySupported());
    String changedHost = null;
    JsonNode changedRoute = null;
    for (RouteTable.HostEntry entry : table.entries()) {
      ObjectNode route = layout.hostRoute(entry, streamCloseDelay);
      if (!route.equals(read.get(entry.host()).value())) {
        if (changedHost != null) {
          return Optional.empty();
        }
        changedHost = entry.host();
        changedRoute = route;
      }
    }
    if (changedHost == null) {
      return Optional.of(new Done<>(result));
    }
    try {
      client.patchId(ids.host(changedHost), changedRoute, read.get(changedHost).etag(), what);
      return Optional.of(new Done<>(result));
    } catch (AdminClient.PreconditionFailed e) {
      LOG.debug("{}: route {} changed concurrently, editing the whole config", what, ids.host(changedHost));
      return Optional.empty();
    }
  }

  /** The whole-config path: read {@code /config/apps}, converge, one write under its ETag, retried on 412. */
  private <T> T whole(String what, Function<RouteTable, T> mutation) {
    for (int attempt = 1; ; attempt++) {
      AdminClient.Snapshot snapshot = readApps(what);
      RouteTable table = layout.table(snapshot.value());
      T result = mutation.apply(table);
      ObjectNode apps = layout.converge(snapshot.value(), table, streamCloseDelaySupported());
      Optional<ConfigWrite> write = ConfigWrite.betweenRoot(APPS, snapshot.value(), apps);
      if (write.isEmpty()) {
        knownHosts = table.hostNames();
        return result;
      }
      if (snapshot.etag().isEmpty() && !warnedNoETag) {
        warnedNoETag = true;
        LOG.warn("Caddy's admin API at {} sends no config ETag (Caddy before 2.5.2?): writes are unconditional,"
            + " so concurrent writers from several processes can overwrite each other's changes", client.address());
      }
      try {
        client.write(write.get(), snapshot.etag(), what);
        knownHosts = table.hostNames();
        return result;
      } catch (AdminClient.PreconditionFailed e) {
        if (attempt >= maxAttempts) {
          throw new ConflictException(what + ": Caddy's config kept changing under us (HTTP 412 " + attempt
              + " times: " + e.getMessage() + "); nothing was written by this call");
        }
        LOG.debug("{}: config changed concurrently (attempt {}), re-reading", what, attempt);
        backoff(attempt);
      }
    }
  }

  /**
   * The routes in Caddy's config now. Reads {@code /config/apps}: Caddy 2.6 answers a GET of a path more than one
   * level below an existing key with 400 {@code invalid traversal path}, so reading the routes array directly fails
   * while the server does not exist.
   */
  public List<RouteSpec> routes() {
    AdminClient.Snapshot snapshot = readApps("reading routes");
    return layout.table(snapshot.value()).routes();
  }

  /**
   * {@code GET /config/apps}. When Caddy has no config at all (root {@code null}: started without one), 2.6 answers
   * 400 {@code invalid traversal path} and 2.7.5+ answer 404 for a missing path; then the root is read instead and
   * its ETag ({@code "/config/ <hash>"}) guards the write, which Caddy accepts for any request path.
   */
  private AdminClient.Snapshot readApps(String what) {
    try {
      return client.get("/config/apps", what);
    } catch (NotFoundException | OperationFailedException e) {
      if (!(e.getCause() instanceof AdminClient.AdminError error) || !(error.status() == 404
          || error.backendMessage().contains("invalid traversal path"))) {
        throw e;
      }
      AdminClient.Snapshot root = client.get("/config/", what);
      JsonNode apps = root.value().get("apps");
      return new AdminClient.Snapshot(apps == null ? NullNode.getInstance() : apps, root.etag());
    }
  }

  private boolean streamCloseDelaySupported() {
    if (!layout.usesStreamCloseDelay(true)) {
      return false;
    }
    Boolean known = streamCloseDelaySupported;
    if (known == null) {
      known = CaddyFeatures.streamCloseDelay(statedVersion, client);
      streamCloseDelaySupported = known;
    }
    return known;
  }

  private static void backoff(int attempt) {
    long millis = ThreadLocalRandom.current().nextLong(5, 20L * Math.min(attempt, 10));
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ProviderUnavailableException("interrupted while retrying a Caddy config write", e);
    }
  }
}
