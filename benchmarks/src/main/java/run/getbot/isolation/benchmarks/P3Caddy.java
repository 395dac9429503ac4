package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;
import run.getbot.isolation.caddy.CaddyIngress;
import run.getbot.isolation.caddy.TlsMode;

/**
 * P3: route changes through {@link CaddyIngress} against single admin calls, on a real Caddy (our own, loopback,
 * HTTP only) already holding 1 000 org routes.
 *
 * <ul>
 *   <li>100 changes: one {@code apply} of 100 upserts (new hosts) vs 100 single {@code PUT /id/<fallback-id>} calls,
 *       each inserting one route of exactly the JSON the SDK writes before the final 404 route; each raw call on a
 *       fresh connection, as curl does. After each run the 100 routes are removed again (not timed).</li>
 *   <li>One change: {@code upsert} of an existing host with a new upstream vs one raw {@code PATCH /id/<route-id>}
 *       with that route's JSON carrying the new upstream. Alternated, each with a new upstream value.</li>
 * </ul>
 */
final class P3Caddy {

  private static final int ROUTES = Integer.getInteger("gbb.p3.routes", 1000);
  private static final int CHANGES = Integer.getInteger("gbb.p3.changes", 100);
  private static final int SINGLE = Integer.getInteger("gbb.p3.single", 25);
  private static final int BATCH_ROUNDS = Integer.getInteger("gbb.p3.rounds", 2);
  private static final int NOOP_WARMUP = Integer.getInteger("gbb.p3.noop", 300);
  private static final String SERVER = "getbot";

  private P3Caddy() {}

  static void run() throws Exception {
    ObjectNode out = Results.object();
    out.put("routes", ROUTES);
    out.put("changes", CHANGES);
    out.put("caddy_version", Cli.outputOr("?", "caddy", "version"));
    try (CaddyServer caddy = CaddyServer.start();
         CaddyIngress ingress = CaddyIngress.builder().adminAddress(caddy.adminUrl()).tls(TlsMode.off())
             .listen("127.0.0.1:" + caddy.httpPort).serverName(SERVER).build()) {
      // 1 000 routes, one org host each, upstreams on loopback (no request is ever proxied).
      List<RouteChange> seed = new ArrayList<>();
      for (int i = 0; i < ROUTES; i++) {
        seed.add(RouteChange.upsert(route("o" + String.format("%04d", i), 10_000 + i)));
      }
      long t = System.nanoTime();
      ingress.apply(seed);
      out.put("seed_apply_ms", Stats.ms(System.nanoTime() - t));
      expectRoutes(ingress, ROUTES);
      out.put("config_apps_bytes", caddy.get("/config/apps").length);
      Results.log("p3: caddy %s on %s holds %d routes (/config/apps %d bytes)", out.get("caddy_version").asText(),
          caddy.adminUrl(), ROUTES, out.get("config_apps_bytes").asInt());

      single(caddy, ingress, out);
      batch(caddy, ingress, out);
      out.put("sdk_admin_writes_total", ingress.adminWrites());
    }
    Results.write("p3", out);
  }

  private static RouteSpec route(String org, int port) {
    return RouteSpec.forOrg(OrgName.of(org), org + ".gbb.test", Upstream.parse("127.0.0.1:" + port));
  }

  private static void expectRoutes(CaddyIngress ingress, int n) {
    int have = ingress.routes().size();
    if (have != n) {
      throw new IllegalStateException("expected " + n + " routes in Caddy, found " + have);
    }
  }

  /**
   * One upsert vs one raw PATCH of the same route, alternated with the parts of the SDK's call done by hand: the GET
   * of {@code /config/apps}, the same PATCH under {@code If-Match}, and the PATCH of the whole routes array (what
   * the SDK sends).
   */
  private static void single(CaddyServer caddy, CaddyIngress ingress, ObjectNode out) throws Exception {
    String org = "o" + String.format("%04d", ROUTES / 2);
    String id = "getbot-host:" + SERVER + ":" + org + ".gbb.test";
    ObjectNode template = (ObjectNode) Results.JSON.readTree(caddy.get("/id/" + id));
    String routesPath = "/config/apps/http/servers/" + SERVER + "/routes";
    ArrayNode allRoutes = (ArrayNode) Results.JSON.readTree(caddy.get(routesPath));
    int index = -1;
    for (int i = 0; i < allRoutes.size(); i++) {
      if (id.equals(allRoutes.get(i).path("@id").asText())) {
        index = i;
      }
    }
    // JIT warm-up on the same call: upserts that change nothing (GET, parse, converge, diff; no write, no reload).
    // Their time is the SDK's read-and-compute share of a change.
    List<Long> noop = new ArrayList<>();
    RouteSpec unchanged = ingress.routes().stream().filter(r -> r.org().value().equals(org)).findFirst()
        .orElseThrow();
    long writes = ingress.adminWrites();
    for (int i = 0; i < NOOP_WARMUP; i++) {
      noop.add(timeSdk(() -> ingress.upsert(unchanged)));
    }
    if (ingress.adminWrites() != writes) {
      throw new IllegalStateException("a no-op upsert wrote to Caddy");
    }
    String[] names = {"sdk_upsert", "raw_patch", "raw_patch_if_match", "raw_get_config_apps",
        "raw_patch_whole_routes_array", "raw_get_route_then_patch_if_match", "raw_patch_whole_routes_array_if_match"};
    byte[] getRoute = RawHttp.get("/id/" + id, caddy.host());
    List<List<Long>> t = new ArrayList<>();
    for (int k = 0; k < names.length; k++) {
      t.add(new ArrayList<>());
    }
    int warmup = 3;
    int port = 30_000;
    byte[] getApps = RawHttp.get("/config/apps", caddy.host());
    long writesBeforeSingle = ingress.adminWrites();
    long retriesBeforeSingle = ingress.concurrentModifications();
    for (int i = -warmup; i < SINGLE; i++) {
      // Bodies are prepared outside the timings: what a curl user has on disk.
      RouteSpec change = route(org, port);
      byte[] rawPatch = RawHttp.withJson("PATCH", "/id/" + id, caddy.host(),
          Results.COMPACT.writeValueAsBytes(withDial(template, port + 1)), false);
      byte[] ifMatchBody = Results.COMPACT.writeValueAsBytes(withDial(template, port + 2));
      byte[] routeBody = Results.COMPACT.writeValueAsBytes(withDial(template, port + 4));
      allRoutes.set(index, withDial(template, port + 5));
      byte[] bigBody = Results.COMPACT.writeValueAsBytes(allRoutes);
      allRoutes.set(index, withDial(template, port + 3));
      byte[] bigPatch = RawHttp.withJson("PATCH", routesPath, caddy.host(), Results.COMPACT.writeValueAsBytes(allRoutes),
          false);
      for (int k = 0; k < names.length; k++) {
        int w = Math.floorMod(i + k, names.length);
        long d = switch (w) {
          case 0 -> timeSdk(() -> ingress.upsert(change));
          case 1 -> timeRaw(caddy, rawPatch);
          case 2 -> {
            String etag;
            try (RawHttp raw = caddy.connect()) {
              raw.exchange(getApps);
              etag = raw.etag();
            }
            if (etag == null) {
              throw new IllegalStateException("Caddy sent no ETag for /config/apps");
            }
            yield timeRaw(caddy, RawHttp.withJson("PATCH", "/id/" + id, caddy.host(), ifMatchBody, false, etag));
          }
          case 3 -> timeRaw(caddy, getApps);
          case 4 -> timeRaw(caddy, bigPatch);
          case 6 -> {
            // exactly the SDK's write on the wire: the whole array under the ETag of /config/apps (GET not timed)
            String etag;
            try (RawHttp raw = caddy.connect()) {
              raw.exchange(getApps);
              etag = raw.etag();
            }
            yield timeRaw(caddy, RawHttp.withJson("PATCH", routesPath, caddy.host(), bigBody, false, etag));
          }
          default -> {
            // the wire cost of a narrow read-modify-write: read the one route and its ETag, write it back under it
            long t0 = System.nanoTime();
            String etag;
            try (RawHttp raw = caddy.connect()) {
              if (raw.exchange(getRoute) != 200 || raw.etag() == null) {
                throw new IllegalStateException("GET /id/" + id + " gave no ETag");
              }
              etag = raw.etag();
            }
            int status = caddy.call(RawHttp.withJson("PATCH", "/id/" + id, caddy.host(), routeBody, false, etag));
            if (status != 200) {
              throw new IllegalStateException("PATCH with the route's ETag -> " + status);
            }
            yield System.nanoTime() - t0;
          }
        };
        if (i >= 0) {
          t.get(w).add(d);
        }
      }
      port += 6;
    }
    expectRoutes(ingress, ROUTES);
    ObjectNode n = out.putObject("single");
    n.put("raw_request", "PATCH /id/" + id + " (the route object, "
        + Results.COMPACT.writeValueAsBytes(template).length + " bytes)");
    // Since RouteEditor's narrow path: GET /id/<route>, then PATCH /id/<route> under that route's ETag (the
    // MockWebServer tests of getbot-isolation-caddy pin the exchange); the counters below show one write per call.
    n.put("sdk_read", "GET /id/" + id);
    n.put("sdk_write", "PATCH /id/" + id + " (the route object), If-Match of that route");
    n.put("sdk_writes_per_upsert", (ingress.adminWrites() - writesBeforeSingle) / (double) (SINGLE + warmup));
    n.put("sdk_412_retries", ingress.concurrentModifications() - retriesBeforeSingle);
    n.put("whole_routes_array_bytes", Results.COMPACT.writeValueAsBytes(allRoutes).length);
    for (int k = 0; k < names.length; k++) {
      Stats.of(t.get(k)).toJsonMillis(n.putObject(names[k]));
    }
    // Paired differences to the plain raw PATCH of the same iteration: the drift of the machine cancels out.
    ObjectNode paired = n.putObject("paired_minus_raw_patch_median_ms");
    for (int k = 0; k < names.length; k++) {
      if (k == 1) {
        continue;
      }
      long[] diff = new long[t.get(k).size()];
      for (int i = 0; i < diff.length; i++) {
        diff[i] = t.get(k).get(i) - t.get(1).get(i);
      }
      paired.put(names[k], Stats.ms(new Stats(diff).median()));
    }
    Stats.of(noop.subList(noop.size() / 2, noop.size())).toJsonMillis(n.putObject("sdk_noop_upsert_warm"));
    n.put("noop_warmup_calls", noop.size());
    Stats s = Stats.of(t.get(0));
    Stats r = Stats.of(t.get(1));
    n.put("ratio_median", P1FindOverhead.round3(s.median() / r.median()));
    Results.log("p3 single: SDK upsert median %.1f ms, raw PATCH %.1f ms -> %.3fx (raw with If-Match %.1f ms, raw GET"
        + " /config/apps %.1f ms, raw PATCH of the whole routes array %.1f ms, route GET+PATCH %.1f ms, SDK no-op"
        + " upsert %.1f ms)",
        s.median() / 1e6, r.median() / 1e6, s.median() / r.median(), Stats.of(t.get(2)).median() / 1e6,
        Stats.of(t.get(3)).median() / 1e6, Stats.of(t.get(4)).median() / 1e6, Stats.of(t.get(5)).median() / 1e6,
        Stats.of(noop.subList(noop.size() / 2, noop.size())).median() / 1e6);
  }

  private static ObjectNode withDial(ObjectNode route, int port) {
    ObjectNode copy = route.deepCopy();
    // host route → subroute handler → its last route (the org's default) → reverse_proxy → upstreams[0].dial
    ArrayNode inner = (ArrayNode) copy.get("handle").get(0).get("routes");
    ObjectNode proxy = (ObjectNode) inner.get(inner.size() - 1).get("handle").get(0);
    ((ObjectNode) proxy.get("upstreams").get(0)).put("dial", "127.0.0.1:" + port);
    return copy;
  }

  /** 100 changes: one apply vs 100 single admin calls. */
  private static void batch(CaddyServer caddy, CaddyIngress ingress, ObjectNode out) throws Exception {
    List<RouteChange> adds = new ArrayList<>();
    List<RouteChange> removes = new ArrayList<>();
    for (int i = 0; i < CHANGES; i++) {
      RouteSpec r = route("p" + String.format("%03d", i), 40_000 + i);
      adds.add(RouteChange.upsert(r));
      removes.add(RouteChange.remove(r.key()));
    }
    // The exact JSON the SDK writes for these routes, for the raw calls.
    ingress.apply(adds);
    expectRoutes(ingress, ROUTES + CHANGES);
    List<byte[]> rawRequests = new ArrayList<>();
    String fallback = "/id/getbot-fallback:" + SERVER;
    JsonNode routes = Results.JSON.readTree(caddy.get("/config/apps/http/servers/" + SERVER + "/routes"));
    for (JsonNode r : routes) {
      String rid = r.path("@id").asText();
      if (rid.startsWith("getbot-host:" + SERVER + ":p")) {
        rawRequests.add(RawHttp.withJson("PUT", fallback, caddy.host(), Results.COMPACT.writeValueAsBytes(r), false));
      }
    }
    if (rawRequests.size() != CHANGES) {
      throw new IllegalStateException("found " + rawRequests.size() + " new routes, expected " + CHANGES);
    }
    ingress.apply(removes);
    expectRoutes(ingress, ROUTES);

    List<Long> sdk = new ArrayList<>();
    List<Long> raw = new ArrayList<>();
    List<Long> rawCalls = new ArrayList<>();
    long writesBefore = ingress.adminWrites();
    for (int round = 0; round < BATCH_ROUNDS; round++) {
      for (int k = 0; k < 2; k++) {
        long t0 = System.nanoTime();
        ingress.apply(adds);
        sdk.add(System.nanoTime() - t0);
        expectRoutes(ingress, ROUTES + CHANGES);
        ingress.apply(removes);
      }
      long t0 = System.nanoTime();
      for (byte[] request : rawRequests) {
        long c0 = System.nanoTime();
        int status = caddy.call(request);
        rawCalls.add(System.nanoTime() - c0);
        if (status != 200) {
          throw new IllegalStateException("raw PUT -> " + status);
        }
      }
      raw.add(System.nanoTime() - t0);
      expectRoutes(ingress, ROUTES + CHANGES);
      ingress.apply(removes);
      expectRoutes(ingress, ROUTES);
      Results.log("p3 batch round %d: SDK apply(%d) %.0f / %.0f ms, %d raw calls %.0f ms", round, CHANGES,
          sdk.get(sdk.size() - 2) / 1e6, sdk.get(sdk.size() - 1) / 1e6, CHANGES, raw.get(raw.size() - 1) / 1e6);
    }
    ObjectNode n = out.putObject("batch");
    n.put("raw_request", "PUT " + fallback + " (one route object, inserted before the final 404 route)");
    n.put("sdk_writes_per_apply", (ingress.adminWrites() - writesBefore) / (double) (sdk.size() * 2 + raw.size()));
    Stats s = Stats.of(sdk);
    Stats r = Stats.of(raw);
    s.toJsonMillis(n.putObject("sdk_apply"));
    r.toJsonMillis(n.putObject("raw_100_calls"));
    Stats.of(rawCalls).toJsonMillis(n.putObject("raw_single_call"));
    n.put("speedup_median", P1FindOverhead.round3(r.median() / s.median()));
    Results.log("p3 batch: SDK apply median %.0f ms, %d raw calls median %.0f ms -> %.1fx faster", s.median() / 1e6,
        CHANGES, r.median() / 1e6, r.median() / s.median());
  }

  interface Action {
    void run() throws Exception;
  }

  private static long timeSdk(Action a) throws Exception {
    long t0 = System.nanoTime();
    a.run();
    return System.nanoTime() - t0;
  }

  private static long timeRaw(CaddyServer caddy, byte[] request) throws Exception {
    long t0 = System.nanoTime();
    int status = caddy.call(request);
    long d = System.nanoTime() - t0;
    if (status != 200) {
      throw new IllegalStateException("raw admin call -> " + status);
    }
    return d;
  }
}
