package run.getbot.isolation.caddy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.caddy.internal.AdminClient;
import run.getbot.isolation.caddy.internal.CaddyVersion;
import run.getbot.isolation.caddy.internal.ConfigLayout;
import run.getbot.isolation.caddy.internal.RouteEditor;

/**
 * {@link Ingress} on Caddy through its admin API: one Caddy HTTP server of getbot's own ({@code apps.http.servers.
 * <serverName>}), one top-level route per org host with the team routes inside it, and a final 404 for unknown hosts.
 * Other servers and apps in Caddy's config are left alone.
 *
 * <pre>{@code
 * try (CaddyIngress ingress = CaddyIngress.builder().tls(TlsMode.acme("ops@example.com")).build()) {
 *   ingress.upsert(RouteSpec.forOrg(OrgName.of("acme"), "acme.getbot.run", Upstream.parse("10.199.0.100:8080")));
 *   ingress.routes().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Every call is one read of {@code /config/apps} and at most one write, whatever the size of a batch: each Caddy
 * config write reloads the whole config (and, before Caddy 2.7, closes every proxied WebSocket), so
 * {@link #apply(List)} is the way to make many changes. Writes carry {@code If-Match} with the config's ETag; when
 * another client changed the config in between, the call re-reads and re-applies its change, so concurrent writers
 * lose nothing. Routes are read back from Caddy, never cached: the org owning a host is recorded in the route's
 * {@code @id}. Calls on one instance are serialized; instances are thread-safe.
 *
 * <p>Failures: Caddy unreachable → {@link ProviderUnavailableException} naming the admin address; Caddy refusing the
 * new config ({@code loading new config: ...}) → {@link OperationFailedException} with Caddy's message, nothing
 * changed; a host owned by another org → {@link ConflictException}, nothing sent.
 */
public final class CaddyIngress implements Ingress {

  /** The default admin endpoint, Caddy's own default. */
  public static final String DEFAULT_ADMIN_ADDRESS = "http://127.0.0.1:2019";

  /** The default key of getbot's server in {@code apps.http.servers}. */
  public static final String DEFAULT_SERVER_NAME = "getbot";

  private final AdminClient client;
  private final RouteEditor editor;
  private final String serverName;

  private CaddyIngress(Builder b) {
    this.serverName = b.serverName;
    this.client = b.socket != null
        ? AdminClient.unix(b.socket, b.connectTimeout, b.requestTimeout, b.origin)
        : AdminClient.tcp(b.adminAddress, b.connectTimeout, b.requestTimeout, b.origin);
    List<String> listen = b.listen != null ? b.listen
        : List.of(b.tls instanceof TlsMode.Off ? ":80" : ":443");
    ConfigLayout layout = new ConfigLayout(new ConfigLayout.Settings(b.serverName, listen, b.tls, b.httpRedirects,
        b.stripPathPrefix, b.streamCloseDelay));
    this.editor = new RouteEditor(client, layout, Optional.ofNullable(b.caddyVersion), b.maxAttempts);
  }

  /** A builder; {@link Builder#tls(TlsMode)} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Creates getbot's server in Caddy's config, or converges an existing one to this ingress's settings (listen
   * addresses, TLS, the final 404 route), keeping its routes. Writes nothing when it already matches. The first
   * change made through this instance does the same as part of its single write, so calling this first is optional.
   * Later changes that only replace routes of existing hosts read and write just those routes (by their
   * {@code @id}, under their own ETag); all others go through the whole {@code /config/apps} as the first.
   */
  public void ensureServer() {
    editor.edit("setting up Caddy server '" + serverName + "'", table -> null);
  }

  @Override
  public void upsert(RouteSpec route) {
    Objects.requireNonNull(route, "route");
    editor.edit("routing " + route.key() + " to " + route.upstream(), Set.of(route.host()), table -> {
      table.upsert(route);
      return null;
    });
  }

  @Override
  public boolean remove(RouteKey key) {
    Objects.requireNonNull(key, "key");
    return editor.edit("removing route " + key, Set.of(key.host()), table -> table.remove(key));
  }

  @Override
  public int removeOrg(OrgName org) {
    Objects.requireNonNull(org, "org");
    return editor.edit("removing the routes of org " + org, table -> table.removeOrg(org));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Read from Caddy's config each time (one GET); empty when getbot's server does not exist yet.
   */
  @Override
  public List<RouteSpec> routes() {
    return editor.routes();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One admin write for the whole batch (none if it changes nothing).
   */
  @Override
  public void apply(List<RouteChange> changes) {
    Objects.requireNonNull(changes, "changes");
    List<RouteChange> copy = new ArrayList<>(changes.size());
    for (RouteChange change : changes) {
      copy.add(Objects.requireNonNull(change, "changes contains null"));
    }
    editor.edit("applying " + copy.size() + " route change(s)", hostsOf(copy), table -> {
      copy.forEach(table::apply);
      return null;
    });
  }

  /** The hosts {@code changes} touch; empty when a change's hosts are not known up front (removing an org). */
  private static Set<String> hostsOf(List<RouteChange> changes) {
    Set<String> hosts = new HashSet<>();
    for (RouteChange change : changes) {
      if (change instanceof RouteChange.Upsert upsert) {
        hosts.add(upsert.route().host());
      } else if (change instanceof RouteChange.Remove remove) {
        hosts.add(remove.key().host());
      } else {
        return Set.of();
      }
    }
    return hosts;
  }

  /**
   * Config writes this instance has sent to Caddy's admin API, including refused ones. Each accepted write is one
   * full Caddy reload.
   */
  public long adminWrites() {
    return client.writes();
  }

  /** Writes Caddy refused with 412 because another client had changed the config; each was retried. */
  public long concurrentModifications() {
    return client.preconditionFailures();
  }

  /** The key of getbot's server in {@code apps.http.servers}. */
  public String serverName() {
    return serverName;
  }

  /** The admin endpoint: {@code http://127.0.0.1:2019} or {@code unix:/path}. */
  public String adminAddress() {
    return client.address();
  }

  /** Releases OkHttp's connection pool and dispatcher threads. */
  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "CaddyIngress[" + client.address() + ", server " + serverName + "]";
  }

  /** Configures a {@link CaddyIngress}. Only {@link #tls(TlsMode)} is required. */
  public static final class Builder {
    private String adminAddress = DEFAULT_ADMIN_ADDRESS;
    private Path socket;
    private String origin;
    private String serverName = DEFAULT_SERVER_NAME;
    private List<String> listen;
    private TlsMode tls;
    private boolean httpRedirects = true;
    private boolean stripPathPrefix;
    private Duration streamCloseDelay = Duration.ofMinutes(5);
    private CaddyVersion caddyVersion;
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofMinutes(2);
    private int maxAttempts = 20;

    private Builder() {}

    /**
     * The admin API over TCP; default {@value CaddyIngress#DEFAULT_ADMIN_ADDRESS}. Keep it on loopback: the admin API
     * has no authentication.
     */
    public Builder adminAddress(String url) {
      Objects.requireNonNull(url, "url");
      noControl(url, "admin address");
      this.adminAddress = url;
      this.socket = null;
      return this;
    }

    /** The admin API over a unix socket (Caddy: {@code "admin": {"listen": "unix//path/admin.sock"}}). */
    public Builder adminSocket(Path socket) {
      this.socket = Objects.requireNonNull(socket, "socket");
      return this;
    }

    /**
     * An {@code Origin} header for every admin request, for a Caddy with {@code "enforce_origin": true}; it must be
     * one of its {@code origins}.
     */
    public Builder adminOrigin(String origin) {
      Objects.requireNonNull(origin, "origin");
      noControl(origin, "admin origin");
      this.origin = origin;
      return this;
    }

    /**
     * The key of getbot's server in {@code apps.http.servers}; default {@value CaddyIngress#DEFAULT_SERVER_NAME}.
     * 1–63 characters of {@code a-z0-9_-}, starting with a letter or digit. Two ingresses with different names
     * share a Caddy without touching each other's routes (but each host belongs to one server).
     */
    public Builder serverName(String name) {
      Objects.requireNonNull(name, "name");
      if (!name.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
        throw new InvalidSpecException("Caddy server name '" + name.replaceAll("\\p{Cntrl}", "?")
            + "' must be 1-63 characters of a-z, 0-9, '_' and '-', starting with a letter or digit");
      }
      this.serverName = name;
      return this;
    }

    /**
     * The server's listen addresses in Caddy's syntax ({@code :443}, {@code 127.0.0.1:8443},
     * {@code tcp4/0.0.0.0:443}). Default {@code :443}, or {@code :80} with {@link TlsMode#off()}.
     */
    public Builder listen(String... addresses) {
      return listen(List.of(addresses));
    }

    /** As {@link #listen(String...)}. */
    public Builder listen(List<String> addresses) {
      if (addresses.isEmpty()) {
        throw new InvalidSpecException("at least one listen address is required");
      }
      for (String address : addresses) {
        if (!address.matches("(?:[a-z0-9]+/)?(?:[A-Za-z0-9.-]*|\\[[0-9A-Fa-f:.]+\\]):\\d{1,5}(?:-\\d{1,5})?")) {
          throw new InvalidSpecException("listen address '" + address.replaceAll("\\p{Cntrl}", "?")
              + "' must be [network/]host:port, e.g. :443 or 127.0.0.1:8443");
        }
      }
      this.listen = List.copyOf(addresses);
      return this;
    }

    /** How TLS is terminated: {@link TlsMode#acme(String)}, {@link TlsMode#internal()} or {@link TlsMode#off()}. */
    public Builder tls(TlsMode mode) {
      this.tls = Objects.requireNonNull(mode, "mode");
      return this;
    }

    /**
     * With TLS on, whether Caddy also redirects HTTP to HTTPS on its {@code http_port} (default true; Caddy's
     * automatic redirects).
     */
    public Builder httpRedirects(boolean redirects) {
      this.httpRedirects = redirects;
      return this;
    }

    /**
     * Whether team routes strip {@code /TEAM} before proxying, so the team's upstream sees {@code /x} for
     * {@code /TEAM/x}. Default false: the upstream sees the original path.
     */
    public Builder stripPathPrefix(boolean strip) {
      this.stripPathPrefix = strip;
      return this;
    }

    /**
     * How long proxied WebSockets and other streams may outlive a config reload; default 5 minutes;
     * {@link Duration#ZERO} leaves Caddy's default (close at once). Set only on Caddy 2.7+, which has it; older
     * releases ignore this.
     */
    public Builder streamCloseDelay(Duration delay) {
      Objects.requireNonNull(delay, "delay");
      if (delay.isNegative()) {
        throw new InvalidSpecException("stream close delay must not be negative");
      }
      this.streamCloseDelay = delay;
      return this;
    }

    /**
     * The Caddy version, as {@code caddy version} prints it, when known; saves the feature probe
     * ({@code POST /adapt}) otherwise made before the first write.
     */
    public Builder caddyVersion(String version) {
      this.caddyVersion = CaddyVersion.parse(version);
      return this;
    }

    /** TCP/socket connect timeout; default 5 s. */
    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = positive(timeout, "connect timeout");
      return this;
    }

    /**
     * How long one admin request may take; default 2 min (a write returns when Caddy has reloaded: about 0.1 s per
     * 1000 HTTP routes, 3-4 times that with TLS, on Caddy 2.6).
     */
    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = positive(timeout, "request timeout");
      return this;
    }

    /** How many times a write that meets concurrent changes (412) is tried; default 20. */
    public Builder maxAttempts(int attempts) {
      if (attempts < 1 || attempts > 1000) {
        throw new InvalidSpecException("max attempts must be between 1 and 1000, got " + attempts);
      }
      this.maxAttempts = attempts;
      return this;
    }

    /**
     * Builds the ingress. Nothing is sent to Caddy until the first call.
     *
     * @throws InvalidSpecException if the TLS mode is missing or the admin address is malformed
     */
    public CaddyIngress build() {
      if (tls == null) {
        throw new InvalidSpecException(
            "a TLS mode is required: TlsMode.acme(email), TlsMode.internal() or TlsMode.off()");
      }
      return new CaddyIngress(this);
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new InvalidSpecException(what + " must be positive, got " + d);
      }
      return d;
    }

    private static void noControl(String value, String what) {
      if (value.chars().anyMatch(Character::isISOControl)) {
        throw new InvalidSpecException(what + " contains a control character");
      }
    }
  }
}
