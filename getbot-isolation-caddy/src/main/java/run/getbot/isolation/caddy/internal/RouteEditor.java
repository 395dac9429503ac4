package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
 */
public final class RouteEditor {

  private static final Logger LOG = LoggerFactory.getLogger(RouteEditor.class);
  private static final List<String> APPS = List.of("apps");

  private final AdminClient client;
  private final ConfigLayout layout;
  private final Optional<CaddyVersion> statedVersion;
  private final int maxAttempts;
  private final ReentrantLock lock = new ReentrantLock();
  private volatile Boolean streamCloseDelaySupported;
  private volatile boolean warnedNoETag;

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
   * Applies {@code mutation} to the current routes and writes the result (at most one write per attempt).
   *
   * @param what what is being done, for error messages
   * @param mutation changes the table and returns the caller's result; may throw (nothing is written then)
   */
  public <T> T edit(String what, Function<RouteTable, T> mutation) {
    lock.lock();
    try {
      for (int attempt = 1; ; attempt++) {
        AdminClient.Snapshot snapshot = readApps(what);
        RouteTable table = layout.table(snapshot.value());
        T result = mutation.apply(table);
        ObjectNode apps = layout.converge(snapshot.value(), table, streamCloseDelaySupported());
        Optional<ConfigWrite> write = ConfigWrite.betweenRoot(APPS, snapshot.value(), apps);
        if (write.isEmpty()) {
          return result;
        }
        if (snapshot.etag().isEmpty() && !warnedNoETag) {
          warnedNoETag = true;
          LOG.warn("Caddy's admin API at {} sends no config ETag (Caddy before 2.5.2?): writes are unconditional,"
              + " so concurrent writers from several processes can overwrite each other's changes", client.address());
        }
        try {
          client.write(write.get(), snapshot.etag(), what);
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
    } finally {
      lock.unlock();
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
