package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.Hosts;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routes of getbot's Caddy server as a model: one {@link HostEntry} per host (its org, the org route's upstream,
 * the team routes' upstreams), plus the top-level routes this SDK did not write, kept verbatim. Parsed from the
 * server's {@code routes} JSON, changed in memory, rendered back by {@link ConfigLayout}. Not thread-safe.
 */
public final class RouteTable {

  private static final Logger LOG = LoggerFactory.getLogger(RouteTable.class);

  /** Sort order of {@link run.getbot.isolation.Ingress#routes()}: host, then path prefix with the org route first. */
  public static final Comparator<RouteSpec> ORDER = Comparator.comparing(RouteSpec::host)
      .thenComparing(r -> r.pathPrefix().orElse(""));

  /** The routes of one host; the host belongs to {@link #org}. */
  public static final class HostEntry {
    private final String host;
    private final OrgName org;
    private Upstream orgUpstream;
    private final TreeMap<String, Upstream> teams = new TreeMap<>();

    HostEntry(String host, OrgName org) {
      this.host = host;
      this.org = org;
    }

    /** The host name. */
    public String host() {
      return host;
    }

    /** The org owning the host. */
    public OrgName org() {
      return org;
    }

    /** Upstream of the org route (all paths not under a team), if there is one. */
    public Optional<Upstream> orgUpstream() {
      return Optional.ofNullable(orgUpstream);
    }

    /** Team name → upstream, sorted by team. */
    public Map<String, Upstream> teams() {
      return Collections.unmodifiableMap(teams);
    }

    boolean isEmpty() {
      return orgUpstream == null && teams.isEmpty();
    }

    int size() {
      return (orgUpstream == null ? 0 : 1) + teams.size();
    }
  }

  private final List<JsonNode> foreign = new ArrayList<>();
  private final TreeMap<String, HostEntry> hosts = new TreeMap<>();

  /** An empty table. */
  public RouteTable() {}

  /**
   * Reads the {@code routes} array of getbot's server. Routes without a getbot id of this server are kept verbatim as
   * foreign routes; getbot routes that do not parse (hand-edited) are dropped with a warning and rewritten from the
   * model on the next write.
   */
  public static RouteTable parse(JsonNode routes, Ids ids) {
    RouteTable table = new RouteTable();
    if (routes == null || !routes.isArray()) {
      return table;
    }
    for (JsonNode route : routes) {
      String id = Json.textOrNull(route, "@id");
      if (ids.fallback().equals(id)) {
        continue;
      }
      Optional<String> host = ids.hostOf(id);
      if (host.isEmpty()) {
        table.foreign.add(route);
        continue;
      }
      table.parseHost(route, host.get(), ids);
    }
    return table;
  }

  private void parseHost(JsonNode route, String host, Ids ids) {
    if (!Hosts.isHostName(host)) {
      LOG.warn("Ignoring Caddy route {}: not a valid host name", quoteId(route));
      return;
    }
    if (hosts.containsKey(host)) {
      LOG.warn("Ignoring duplicate Caddy route {} (the first one wins)", quoteId(route));
      return;
    }
    JsonNode subroute = null;
    OrgName org = null;
    for (JsonNode handler : route.path("handle")) {
      Optional<String> orgName = ids.orgOf(Json.textOrNull(handler, "@id"), host);
      if ("subroute".equals(Json.textOrNull(handler, "handler")) && orgName.isPresent()) {
        try {
          org = OrgName.of(orgName.get());
          subroute = handler;
        } catch (InvalidSpecException e) {
          LOG.warn("Ignoring Caddy route {}: {}", quoteId(route), e.getMessage());
          return;
        }
        break;
      }
    }
    if (subroute == null) {
      LOG.warn("Ignoring Caddy route {}: it has no getbot subroute recording its org", quoteId(route));
      return;
    }
    HostEntry entry = new HostEntry(host, org);
    for (JsonNode inner : subroute.path("routes")) {
      String id = Json.textOrNull(inner, "@id");
      Optional<String> team = ids.teamOf(id, host);
      boolean isDefault = ids.defaultRoute(host).equals(id);
      if (ids.noDefault(host).equals(id) || team.isEmpty() && !isDefault) {
        if (!ids.noDefault(host).equals(id)) {
          LOG.warn("Dropping unknown route {} inside getbot's route for {}", quoteId(inner), host);
        }
        continue;
      }
      Optional<Upstream> upstream = upstreamOf(inner);
      if (upstream.isEmpty()) {
        LOG.warn("Dropping Caddy route {}: no reverse_proxy upstream getbot can read", quoteId(inner));
        continue;
      }
      if (isDefault) {
        entry.orgUpstream = upstream.get();
      } else {
        try {
          RouteKey.of(host, team.get());
          entry.teams.put(team.get(), upstream.get());
        } catch (InvalidSpecException e) {
          LOG.warn("Dropping Caddy route {}: {}", quoteId(inner), e.getMessage());
        }
      }
    }
    if (!entry.isEmpty()) {
      hosts.put(host, entry);
    }
  }

  private static Optional<Upstream> upstreamOf(JsonNode route) {
    for (JsonNode handler : route.path("handle")) {
      if ("reverse_proxy".equals(Json.textOrNull(handler, "handler"))) {
        String dial = Json.textOrNull(handler.path("upstreams").path(0), "dial");
        if (dial == null) {
          return Optional.empty();
        }
        try {
          return Optional.of(Upstream.parse(dial));
        } catch (InvalidSpecException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  private static String quoteId(JsonNode route) {
    String id = Json.textOrNull(route, "@id");
    return id == null ? "(no @id)" : "'" + id + "'";
  }

  /**
   * Applies one change; an upsert of a host another org holds throws {@link ConflictException} and leaves this table
   * unchanged.
   */
  public void apply(RouteChange change) {
    Objects.requireNonNull(change, "change");
    if (change instanceof RouteChange.Upsert upsert) {
      upsert(upsert.route());
    } else if (change instanceof RouteChange.Remove remove) {
      remove(remove.key());
    } else if (change instanceof RouteChange.RemoveOrg removeOrg) {
      removeOrg(removeOrg.org());
    } else {
      throw new IllegalArgumentException("unknown change " + change);
    }
  }

  /** Adds or replaces {@code route}. */
  public void upsert(RouteSpec route) {
    Objects.requireNonNull(route, "route");
    HostEntry entry = hosts.get(route.host());
    if (entry != null && !entry.org.equals(route.org())) {
      throw new ConflictException("host " + route.host() + " is routed for org " + entry.org + ", not for org "
          + route.org() + "; remove that org's routes first");
    }
    if (entry == null) {
      entry = new HostEntry(route.host(), route.org());
      hosts.put(route.host(), entry);
    }
    if (route.team().isPresent()) {
      entry.teams.put(route.team().get(), route.upstream());
    } else {
      entry.orgUpstream = route.upstream();
    }
  }

  /** Removes the route with {@code key}; false if there was none. */
  public boolean remove(RouteKey key) {
    Objects.requireNonNull(key, "key");
    HostEntry entry = hosts.get(key.host());
    if (entry == null) {
      return false;
    }
    boolean removed;
    if (key.pathPrefix().isPresent()) {
      removed = entry.teams.remove(key.pathPrefix().get().substring(1)) != null;
    } else {
      removed = entry.orgUpstream != null;
      entry.orgUpstream = null;
    }
    if (entry.isEmpty()) {
      hosts.remove(key.host());
    }
    return removed;
  }

  /** Removes every route of {@code org}; returns how many there were. */
  public int removeOrg(OrgName org) {
    Objects.requireNonNull(org, "org");
    int count = 0;
    for (var it = hosts.values().iterator(); it.hasNext(); ) {
      HostEntry entry = it.next();
      if (entry.org.equals(org)) {
        count += entry.size();
        it.remove();
      }
    }
    return count;
  }

  /** Every route, sorted by host then path prefix (org route first). */
  public List<RouteSpec> routes() {
    List<RouteSpec> out = new ArrayList<>();
    for (HostEntry entry : hosts.values()) {
      entry.orgUpstream().ifPresent(u -> out.add(RouteSpec.forOrg(entry.org, entry.host, u)));
      entry.teams.forEach((team, u) -> out.add(RouteSpec.forTeam(entry.org, entry.host, team, u)));
    }
    out.sort(ORDER);
    return out;
  }

  /** The hosts routed, sorted. */
  public SortedSet<String> hostNames() {
    return new TreeSet<>(hosts.keySet());
  }

  /** The host entries, sorted by host. */
  public Collection<HostEntry> entries() {
    return Collections.unmodifiableCollection(hosts.values());
  }

  /** Top-level routes of the server that getbot did not write, in their original order. */
  public List<JsonNode> foreignRoutes() {
    return Collections.unmodifiableList(foreign);
  }
}
