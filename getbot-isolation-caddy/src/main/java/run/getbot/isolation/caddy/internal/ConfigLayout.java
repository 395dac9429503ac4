package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import run.getbot.isolation.Upstream;
import run.getbot.isolation.caddy.TlsMode;

/**
 * How getbot lays out its part of Caddy's {@code apps} config, and how it converges an existing {@code apps} object to
 * that layout without touching anything else.
 *
 * <pre>
 * apps.http.servers.SERVER = {
 *   "listen": [...],
 *   "routes": [ ...foreign routes kept verbatim...,
 *     {"@id": "getbot-host:SERVER:acme.example", "match": [{"host": ["acme.example"]}], "terminal": true,
 *      "handle": [{"handler": "subroute", "@id": "getbot-org:SERVER:acme.example:acme", "routes": [
 *        {"@id": "getbot-team:SERVER:acme.example:marketing", "match": [{"path": ["/marketing", "/marketing/*"]}],
 *         "handle": [(rewrite strip_path_prefix,) reverse_proxy], "terminal": true},
 *        {"@id": "getbot-default:SERVER:acme.example", "handle": [reverse_proxy], "terminal": true}]}]},
 *     ...one route per host, sorted by host...,
 *     {"@id": "getbot-fallback:SERVER", "handle": [static_response 404], "terminal": true}],
 *   "automatic_https": {...}, "tls_connection_policies": [{}] }
 * apps.tls.automation.policies[0] = {"@id": "getbot-tls:SERVER", "subjects": [hosts], "issuers": [...]}  (TLS on)
 * </pre>
 *
 * Team routes come before the org route inside the host's subroute, so a team path is never shadowed, whatever the
 * order of calls. Hosts match in their own one-host matcher (Caddy 2.6.2's matchers of more than 100 hosts are
 * case-sensitive).
 */
public final class ConfigLayout {

  /**
   * What the builder configured.
   *
   * @param server the server's key in {@code apps.http.servers}
   * @param listen its listen addresses
   * @param tls TLS mode
   * @param httpRedirects keep Caddy's automatic HTTP→HTTPS redirects (TLS modes only)
   * @param stripPathPrefix strip {@code /TEAM} before proxying team routes
   * @param streamCloseDelay {@code stream_close_delay} of the reverse proxies when Caddy supports it; zero: never
   */
  public record Settings(String server, List<String> listen, TlsMode tls, boolean httpRedirects,
      boolean stripPathPrefix, Duration streamCloseDelay) {
    /** Copies the list. */
    public Settings {
      Objects.requireNonNull(server, "server");
      listen = List.copyOf(listen);
      Objects.requireNonNull(tls, "tls");
      Objects.requireNonNull(streamCloseDelay, "streamCloseDelay");
    }
  }

  private final Settings settings;
  private final Ids ids;

  /** A layout for {@code settings}. */
  public ConfigLayout(Settings settings) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.ids = new Ids(settings.server());
  }

  /** The ids of this layout's server. */
  public Ids ids() {
    return ids;
  }

  /** The settings. */
  public Settings settings() {
    return settings;
  }

  /** True when the layout sets {@code stream_close_delay}, given whether Caddy supports it. */
  public boolean usesStreamCloseDelay(boolean supported) {
    return supported && !settings.streamCloseDelay().isZero() && !settings.streamCloseDelay().isNegative();
  }

  /** The server object in {@code apps}, or null. */
  public JsonNode server(JsonNode apps) {
    JsonNode server = apps == null ? null : apps.path("http").path("servers").get(settings.server());
    return server == null || server.isNull() || server.isMissingNode() ? null : server;
  }

  /** Parses the route table out of {@code apps} (empty when the server does not exist). */
  public RouteTable table(JsonNode apps) {
    JsonNode server = server(apps);
    return RouteTable.parse(server == null ? null : server.get("routes"), ids);
  }

  /**
   * Returns a copy of {@code apps} (null: none yet) in which getbot's server exists with the configured settings and
   * the routes of {@code table}, and the TLS policy lists the table's hosts. Everything else is left as it was.
   */
  public ObjectNode converge(JsonNode apps, RouteTable table, boolean streamCloseDelaySupported) {
    ObjectNode result = apps != null && apps.isObject() ? ((ObjectNode) apps).deepCopy() : Json.object();
    ObjectNode http = child(result, "http");
    ObjectNode servers = child(http, "servers");
    JsonNode existing = servers.get(settings.server());
    ObjectNode server = existing != null && existing.isObject() ? (ObjectNode) existing : Json.object();
    servers.set(settings.server(), server);
    convergeServer(server, table, usesStreamCloseDelay(streamCloseDelaySupported));
    convergeTlsPolicy(result, table.hostNames());
    return result;
  }

  private void convergeServer(ObjectNode server, RouteTable table, boolean streamCloseDelay) {
    server.set("listen", Json.strings(settings.listen()));
    server.set("routes", routes(table, streamCloseDelay));
    boolean tlsOn = !(settings.tls() instanceof TlsMode.Off);
    JsonNode current = server.get("automatic_https");
    ObjectNode autoHttps = current != null && current.isObject() ? (ObjectNode) current : Json.object();
    if (tlsOn) {
      autoHttps.remove("disable");
      if (settings.httpRedirects()) {
        autoHttps.remove("disable_redirects");
      } else {
        autoHttps.put("disable_redirects", true);
      }
      JsonNode policies = server.get("tls_connection_policies");
      if (policies == null || !policies.isArray() || policies.isEmpty()) {
        server.set("tls_connection_policies", Json.array().add(Json.object()));
      }
    } else {
      autoHttps.put("disable", true);
      autoHttps.remove("disable_redirects");
      server.remove("tls_connection_policies");
    }
    if (autoHttps.isEmpty()) {
      server.remove("automatic_https");
    } else {
      server.set("automatic_https", autoHttps);
    }
  }

  /** The server's complete {@code routes} array for {@code table}. */
  public ArrayNode routes(RouteTable table, boolean streamCloseDelay) {
    ArrayNode routes = Json.array();
    table.foreignRoutes().forEach(r -> routes.add(r.deepCopy()));
    for (RouteTable.HostEntry entry : table.entries()) {
      routes.add(hostRoute(entry, streamCloseDelay));
    }
    routes.add(fallback());
    return routes;
  }

  /**
   * The top-level route of one host, exactly as {@link #routes} renders it ({@code getbot-host:SERVER:HOST}).
   *
   * @param streamCloseDelay whether to set {@code stream_close_delay} (see {@link #usesStreamCloseDelay})
   */
  public ObjectNode hostRoute(RouteTable.HostEntry entry, boolean streamCloseDelay) {
    String host = entry.host();
    ArrayNode inner = Json.array();
    entry.teams().forEach((team, upstream) -> {
      ObjectNode route = Json.object();
      route.put("@id", ids.team(host, team));
      String prefix = "/" + team;
      route.set("match", Json.array().add(Json.object().set("path", Json.array().add(prefix).add(prefix + "/*"))));
      ArrayNode handle = Json.array();
      if (settings.stripPathPrefix()) {
        handle.add(Json.object().put("handler", "rewrite").put("strip_path_prefix", prefix));
      }
      handle.add(reverseProxy(upstream, streamCloseDelay));
      route.set("handle", handle);
      route.put("terminal", true);
      inner.add(route);
    });
    Optional<Upstream> orgUpstream = entry.orgUpstream();
    ObjectNode last = Json.object();
    if (orgUpstream.isPresent()) {
      last.put("@id", ids.defaultRoute(host));
      last.set("handle", Json.array().add(reverseProxy(orgUpstream.get(), streamCloseDelay)));
    } else {
      last.put("@id", ids.noDefault(host));
      last.set("handle", Json.array().add(notFound()));
    }
    last.put("terminal", true);
    inner.add(last);

    ObjectNode subroute = Json.object();
    subroute.put("handler", "subroute");
    subroute.put("@id", ids.org(host, entry.org().value()));
    subroute.set("routes", inner);

    ObjectNode route = Json.object();
    route.put("@id", ids.host(host));
    route.set("match", Json.array().add(Json.object().set("host", Json.array().add(host))));
    route.set("handle", Json.array().add(subroute));
    route.put("terminal", true);
    return route;
  }

  private ObjectNode reverseProxy(Upstream upstream, boolean streamCloseDelay) {
    ObjectNode proxy = Json.object();
    proxy.put("handler", "reverse_proxy");
    proxy.set("upstreams", Json.array().add(Json.object().put("dial", upstream.toString())));
    if (streamCloseDelay) {
      proxy.put("stream_close_delay", goDuration(settings.streamCloseDelay()));
    }
    return proxy;
  }

  private static ObjectNode notFound() {
    return Json.object().put("handler", "static_response").put("status_code", 404).put("body", "not found");
  }

  private ObjectNode fallback() {
    ObjectNode route = Json.object();
    route.put("@id", ids.fallback());
    route.set("handle", Json.array().add(Json.object().put("handler", "static_response").put("status_code", 404)
        .put("body", "unknown host")));
    route.put("terminal", true);
    return route;
  }

  /** A duration in Go's syntax ({@code 300s}, {@code 1500ms}). */
  static String goDuration(Duration d) {
    long millis = d.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
  }

  private void convergeTlsPolicy(ObjectNode apps, SortedSet<String> hosts) {
    boolean wanted = !(settings.tls() instanceof TlsMode.Off) && !hosts.isEmpty();
    JsonNode tls = apps.get("tls");
    JsonNode automation = tls == null ? null : tls.get("automation");
    JsonNode policiesNode = automation == null ? null : automation.get("policies");
    boolean removed = false;
    if (policiesNode != null && policiesNode.isArray()) {
      ArrayNode policies = (ArrayNode) policiesNode;
      for (int i = policies.size() - 1; i >= 0; i--) {
        if (ids.tlsPolicy().equals(Json.textOrNull(policies.get(i), "@id"))) {
          policies.remove(i);
          removed = true;
        }
      }
    }
    if (wanted) {
      ObjectNode policy = Json.object();
      policy.put("@id", ids.tlsPolicy());
      policy.set("subjects", Json.strings(hosts));
      policy.set("issuers", issuers());
      ArrayNode policies = (ArrayNode) (policiesNode != null && policiesNode.isArray()
          ? policiesNode : child(child(child(apps, "tls"), "automation"), "policies", Json.array()));
      policies.insert(0, policy);
    } else if (removed) {
      ObjectNode automationObject = (ObjectNode) automation;
      if (automationObject.get("policies").isEmpty()) {
        automationObject.remove("policies");
      }
      if (automationObject.isEmpty()) {
        ((ObjectNode) tls).remove("automation");
      }
      if (tls.isEmpty()) {
        apps.remove("tls");
      }
    }
  }

  private ArrayNode issuers() {
    ArrayNode issuers = Json.array();
    if (settings.tls() instanceof TlsMode.Internal) {
      issuers.add(Json.object().put("module", "internal"));
    } else if (settings.tls() instanceof TlsMode.Acme acme) {
      ObjectNode issuer = Json.object().put("module", "acme").put("email", acme.email());
      acme.directory().ifPresent(uri -> issuer.put("ca", uri.toString()));
      issuers.add(issuer);
      if (acme.directory().isEmpty()) {
        issuers.add(Json.object().put("module", "zerossl").put("email", acme.email()));
      }
    }
    return issuers;
  }

  private static ObjectNode child(ObjectNode parent, String key) {
    return (ObjectNode) child(parent, key, Json.object());
  }

  private static JsonNode child(ObjectNode parent, String key, JsonNode empty) {
    JsonNode node = parent.get(key);
    if (node == null || node.isNull() || node.getNodeType() != empty.getNodeType()) {
      parent.set(key, empty);
      return empty;
    }
    return node;
  }
}
