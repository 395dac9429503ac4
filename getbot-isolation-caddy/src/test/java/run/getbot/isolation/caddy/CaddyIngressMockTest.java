package run.getbot.isolation.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;
import run.getbot.isolation.caddy.internal.ConfigLayout;
import run.getbot.isolation.caddy.internal.ETags;
import run.getbot.isolation.caddy.internal.Json;
import run.getbot.isolation.caddy.internal.RouteTable;

/** {@link CaddyIngress} against scripted admin answers: If-Match/412 retries, write targeting, failures, probing. */
class CaddyIngressMockTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final OrgName BETA = OrgName.of("beta");
  private static final Upstream UP = Upstream.parse("10.199.0.100:8080");

  private final MockWebServer server = new MockWebServer();
  private CaddyIngress ingress;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
    ingress = builder().build();
  }

  @AfterEach
  void stop() {
    ingress.close();
    server.close();
  }

  private CaddyIngress.Builder builder() {
    return CaddyIngress.builder().adminAddress("http://127.0.0.1:" + server.getPort()).tls(TlsMode.off())
        .listen("127.0.0.1:8080").caddyVersion("2.6.2");
  }

  /** A GET answer as Caddy 2.6 sends it: chunked body, ETag trailer = FNV-1a of the body. */
  private static MockResponse config(JsonNode apps) {
    String body = Json.text(apps) + "\n";
    return new MockResponse.Builder().addHeader("Content-Type", "application/json").addHeader("Trailer", "ETag")
        .chunkedBody(body, 64).trailers(Headers.of("ETag", ETags.fnvETag("/config/apps", body))).build();
  }

  private static MockResponse ok() {
    return new MockResponse.Builder().build();
  }

  private static MockResponse error(int code, String message) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json")
        .body(Json.text(Json.object().put("error", message))).build();
  }

  /** {@code apps} as the layout renders it for {@code routes}. */
  private static ObjectNode apps(RouteSpec... routes) {
    ConfigLayout layout = new ConfigLayout(new ConfigLayout.Settings("getbot", List.of("127.0.0.1:8080"),
        TlsMode.off(), true, false, java.time.Duration.ZERO));
    RouteTable table = new RouteTable();
    for (RouteSpec r : routes) {
      table.upsert(r);
    }
    return layout.converge(null, table, false);
  }

  private RecordedRequest take() throws InterruptedException {
    return server.takeRequest();
  }

  @Test
  void onA412TheIngressReReadsAndReappliesItsChangeWithTheNewETag() throws Exception {
    ObjectNode v1 = apps(RouteSpec.forOrg(ACME, "acme.test", UP));
    ObjectNode v2 = apps(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP));
    server.enqueue(config(v1));
    server.enqueue(error(412, "If-Match header did not match current config hash"));
    server.enqueue(config(v2));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(OrgName.of("gamma"), "gamma.test", UP));

    RecordedRequest get1 = take();
    RecordedRequest patch1 = take();
    RecordedRequest get2 = take();
    RecordedRequest patch2 = take();
    assertThat(get1.getTarget()).isEqualTo("/config/apps");
    assertThat(patch1.getMethod()).isEqualTo("PATCH");
    assertThat(patch1.getTarget()).isEqualTo("/config/apps/http/servers/getbot/routes");
    assertThat(patch1.getHeaders().get("If-Match"))
        .isEqualTo(ETags.fnvETag("/config/apps", Json.text(v1) + "\n"));
    assertThat(get2.getTarget()).isEqualTo("/config/apps");
    assertThat(patch2.getHeaders().get("If-Match"))
        .isEqualTo(ETags.fnvETag("/config/apps", Json.text(v2) + "\n"));
    String written = patch2.getBody().utf8();
    assertThat(written).as("the concurrent writer's route survives").contains("getbot-host:getbot:beta.test")
        .contains("getbot-host:getbot:gamma.test").contains("getbot-host:getbot:acme.test");
    assertThat(ingress.adminWrites()).isEqualTo(2);
    assertThat(ingress.concurrentModifications()).isEqualTo(1);
  }

  @Test
  void endless412sGiveUpWithAConflictAfterMaxAttempts() throws Exception {
    try (CaddyIngress patient = builder().maxAttempts(3).build()) {
      for (int i = 0; i < 3; i++) {
        server.enqueue(config(apps()));
        server.enqueue(error(412, "If-Match header did not match current config hash"));
      }
      assertThatThrownBy(() -> patient.upsert(RouteSpec.forOrg(ACME, "acme.test", UP)))
          .isInstanceOf(ConflictException.class).hasMessageContaining("412 3 times");
      assertThat(patient.adminWrites()).isEqualTo(3);
    }
  }

  @Test
  void aMissingServerIsCreatedInTheSameSingleWrite() throws Exception {
    server.enqueue(config(Json.object().set("tls", Json.object())));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));

    take();
    RecordedRequest put = take();
    assertThat(put.getMethod()).isEqualTo("PUT");
    assertThat(put.getTarget()).isEqualTo("/config/apps/http");
    JsonNode http = Json.parse(put.getBody().toByteArray());
    assertThat(http.at("/servers/getbot/listen").toString()).isEqualTo("[\"127.0.0.1:8080\"]");
    assertThat(http.at("/servers/getbot/automatic_https/disable").asBoolean()).isTrue();
    assertThat(http.at("/servers/getbot/routes/0/@id").asText()).isEqualTo("getbot-host:getbot:acme.test");
    assertThat(http.at("/servers/getbot/routes/1/@id").asText()).isEqualTo("getbot-fallback:getbot");
    assertThat(ingress.adminWrites()).isEqualTo(1);
  }

  @Test
  void noAppsAtAllIsAPutOfApps() throws Exception {
    server.enqueue(config(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
    server.enqueue(ok());
    ingress.ensureServer();
    take();
    RecordedRequest put = take();
    assertThat(put.getMethod() + " " + put.getTarget()).isEqualTo("PUT /config/apps");
    assertThat(put.getHeaders().get("If-Match")).isEqualTo("\"/config/apps 0e7c22ea\"");
  }

  @Test
  void aCaddyWithoutAnyConfigIsReadAtTheRootAndGuardedByTheRootsETag() throws Exception {
    server.enqueue(error(400, "invalid traversal path at: config/apps"));
    server.enqueue(new MockResponse.Builder().addHeader("Trailer", "ETag").chunkedBody("null\n", 8)
        .trailers(Headers.of("ETag", "\"/config/ 0e7c22ea\"")).build());
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));

    assertThat(take().getTarget()).isEqualTo("/config/apps");
    assertThat(take().getTarget()).isEqualTo("/config/");
    RecordedRequest put = take();
    assertThat(put.getMethod() + " " + put.getTarget()).isEqualTo("PUT /config/apps");
    assertThat(put.getHeaders().get("If-Match")).isEqualTo("\"/config/ 0e7c22ea\"");
    assertThat(put.getBody().utf8()).doesNotContain("\"admin\"");
  }

  @Test
  void caddy275AndLaterAnswer404ForAMissingPathAndGetTheSameFallback() throws Exception {
    server.enqueue(error(404, "[/config/apps] invalid traversal path at: config/apps"));
    server.enqueue(new MockResponse.Builder().addHeader("ETag", "\"/config/ 1\"")
        .body("{\"admin\":{\"listen\":\"127.0.0.1:2999\"}}").build());
    assertThat(ingress.routes()).isEmpty();
    assertThat(take().getTarget()).isEqualTo("/config/apps");
    assertThat(take().getTarget()).isEqualTo("/config/");
  }

  @Test
  void anUnchangedConfigIsNotWritten() throws Exception {
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP))));
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP))));
    assertThat(ingress.remove(run.getbot.isolation.RouteKey.of("nothing.test"))).isFalse();
    assertThat(ingress.adminWrites()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void aHostOfAnotherOrgFailsBeforeAnyWrite() {
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP))));
    assertThatThrownBy(() -> ingress.upsert(RouteSpec.forTeam(BETA, "acme.test", "x", UP)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("acme").hasMessageContaining("beta");
    assertThat(ingress.adminWrites()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void caddyRefusingTheNewConfigIsAnOperationFailedCarryingItsMessage() {
    server.enqueue(config(apps()));
    String message = "loading new config: http app module: start: listening on :80: listen tcp :80: bind: "
        + "address already in use";
    server.enqueue(error(500, message));
    assertThatThrownBy(() -> ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP)))
        .isInstanceOfSatisfying(OperationFailedException.class, e -> {
          assertThat(e.backendMessage()).isEqualTo(message);
          assertThat(e.getMessage()).contains("acme.test").contains("PATCH /config/apps/http/servers/getbot/routes");
        });
  }

  @Test
  void routesAreReadBackFromTheConfigNotFromMemory() {
    server.enqueue(config(apps(RouteSpec.forTeam(BETA, "beta.test", "ops", UP),
        RouteSpec.forOrg(ACME, "acme.test", UP))));
    assertThat(ingress.routes()).containsExactly(RouteSpec.forOrg(ACME, "acme.test", UP),
        RouteSpec.forTeam(BETA, "beta.test", "ops", UP));
    server.enqueue(config(com.fasterxml.jackson.databind.node.NullNode.getInstance()));
    assertThat(ingress.routes()).isEmpty();
  }

  @Test
  void theVersionProbeRunsOnceBeforeTheFirstWriteWhenNoVersionIsStated() throws Exception {
    try (CaddyIngress probing = CaddyIngress.builder().adminAddress("http://127.0.0.1:" + server.getPort())
        .tls(TlsMode.off()).listen("127.0.0.1:8080").build()) {
      server.enqueue(config(apps()));
      server.enqueue(error(400, "adapting config using caddyfile adapter: parsing caddyfile tokens for "
          + "'reverse_proxy': Caddyfile:3 - Error during parsing: unrecognized subdirective stream_close_delay"));
      server.enqueue(ok());
      server.enqueue(config(apps()));
      server.enqueue(ok());

      probing.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));
      probing.upsert(RouteSpec.forOrg(BETA, "beta.test", UP));

      take();
      RecordedRequest probe = take();
      assertThat(probe.getMethod() + " " + probe.getTarget()).isEqualTo("POST /adapt");
      assertThat(probe.getHeaders().get("Content-Type")).startsWith("text/caddyfile");
      assertThat(probe.getBody().utf8()).contains("stream_close_delay");
      assertThat(take().getBody().utf8()).doesNotContain("stream_close_delay");
      assertThat(take().getTarget()).isEqualTo("/config/apps");
      assertThat(take().getBody().utf8()).doesNotContain("stream_close_delay");
      assertThat(server.getRequestCount()).isEqualTo(5);
      assertThat(probing.adminWrites()).as("the probe is not a config write").isEqualTo(2);
    }
  }

  @Test
  void aCaddyThatAdaptsTheProbeGetsStreamCloseDelay() throws Exception {
    try (CaddyIngress probing = CaddyIngress.builder().adminAddress("http://127.0.0.1:" + server.getPort())
        .tls(TlsMode.off()).listen("127.0.0.1:8080").build()) {
      server.enqueue(config(apps()));
      server.enqueue(new MockResponse.Builder().body("{\"result\":{}}").build());
      server.enqueue(ok());
      probing.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));
      take();
      take();
      assertThat(take().getBody().utf8()).contains("\"stream_close_delay\":\"300s\"");
    }
  }

  // ------------------------------------------------------------------------------------ narrow path (GET/PATCH /id)

  private static final Upstream UP2 = Upstream.parse("10.199.0.101:8080");

  /** The top-level route of {@code host} in {@code apps}. */
  private static JsonNode hostRoute(ObjectNode apps, String host) {
    for (JsonNode route : apps.at("/http/servers/getbot/routes")) {
      if (("getbot-host:getbot:" + host).equals(route.path("@id").asText())) {
        return route;
      }
    }
    throw new AssertionError(host);
  }

  private static String routeETag(JsonNode route) {
    return ETags.fnvETag("/config/apps/http/servers/getbot/routes/0", Json.text(route) + "\n");
  }

  /** A GET /id answer as Caddy 2.6.2 sends it: the ETag (a trailer) names the object's /config path. */
  private static MockResponse route(JsonNode route) {
    String body = Json.text(route) + "\n";
    return new MockResponse.Builder().addHeader("Content-Type", "application/json").addHeader("Trailer", "ETag")
        .chunkedBody(body, 64).trailers(Headers.of("ETag", routeETag(route))).build();
  }

  /** Makes the ingress do its first (whole-config) edit on a config holding {@code routes}; writes nothing. */
  private void settle(RouteSpec... routes) throws InterruptedException {
    server.enqueue(config(apps(routes)));
    ingress.ensureServer();
    assertThat(take().getTarget()).isEqualTo("/config/apps");
  }

  private static String line(RecordedRequest request) {
    return request.getMethod() + " " + request.getTarget();
  }

  @Test
  void changingTheUpstreamOfAnExistingHostReadsAndWritesOnlyThatRoute() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP));
    JsonNode before = hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test");
    server.enqueue(route(before));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2));

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    RecordedRequest patch = take();
    assertThat(line(patch)).isEqualTo("PATCH /id/getbot-host:getbot:acme.test");
    assertThat(patch.getHeaders().get("If-Match")).isEqualTo(routeETag(before));
    assertThat(Json.parse(patch.getBody().toByteArray()))
        .isEqualTo(hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP2)), "acme.test"));
    assertThat(ingress.adminWrites()).isEqualTo(1);
    assertThat(server.getRequestCount()).isEqualTo(3);
  }

  @Test
  void teamRoutesOfExistingHostsAndBatchesOnOneHostTakeTheNarrowPathToo() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(route(hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test")));
    server.enqueue(ok());

    ingress.apply(List.of(RouteChange.upsert(RouteSpec.forTeam(ACME, "acme.test", "ops", UP2)),
        RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2))));

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    RecordedRequest patch = take();
    assertThat(line(patch)).isEqualTo("PATCH /id/getbot-host:getbot:acme.test");
    assertThat(Json.parse(patch.getBody().toByteArray())).isEqualTo(hostRoute(apps(
        RouteSpec.forTeam(ACME, "acme.test", "ops", UP2), RouteSpec.forOrg(ACME, "acme.test", UP2)), "acme.test"));
  }

  @Test
  void anUnchangedRouteIsOnlyRead() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(route(hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test")));

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    assertThat(ingress.adminWrites()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void onTheNarrowPathAHostOfAnotherOrgIsAConflictWithNothingSent() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(route(hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test")));

    assertThatThrownBy(() -> ingress.upsert(RouteSpec.forTeam(BETA, "acme.test", "x", UP)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("acme").hasMessageContaining("beta");

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    assertThat(ingress.adminWrites()).isZero();
    assertThat(server.getRequestCount()).isEqualTo(2);
  }

  @Test
  void a412OnTheRouteFallsBackToTheWholeConfigAndLosesTheConcurrentChangeNot() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(route(hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test")));
    server.enqueue(error(412, "If-Match header did not match current config hash"));
    ObjectNode now = apps(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP));
    server.enqueue(config(now));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2));

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    assertThat(line(take())).isEqualTo("PATCH /id/getbot-host:getbot:acme.test");
    assertThat(line(take())).isEqualTo("GET /config/apps");
    RecordedRequest patch = take();
    assertThat(line(patch)).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
    assertThat(patch.getHeaders().get("If-Match")).isEqualTo(ETags.fnvETag("/config/apps", Json.text(now) + "\n"));
    assertThat(Json.parse(patch.getBody().toByteArray())).isEqualTo(apps(RouteSpec.forOrg(ACME, "acme.test", UP2),
        RouteSpec.forOrg(BETA, "beta.test", UP)).at("/http/servers/getbot/routes"));
    assertThat(ingress.adminWrites()).isEqualTo(2);
    assertThat(ingress.concurrentModifications()).isEqualTo(1);
  }

  @Test
  void aMissingIdFallsBackToTheWholeConfig() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    server.enqueue(error(404, "unknown object ID 'getbot-host:getbot:acme.test'"));
    server.enqueue(config(apps()));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2));

    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    assertThat(line(take())).isEqualTo("GET /config/apps");
    RecordedRequest patch = take();
    assertThat(line(patch)).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
    assertThat(patch.getBody().utf8()).contains("getbot-host:getbot:acme.test").contains(UP2.toString());
    assertThat(ingress.adminWrites()).isEqualTo(1);
  }

  @Test
  void aRouteWithoutETagOrThatGetbotCannotReadFallsBackToTheWholeConfig() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP));
    JsonNode current = hostRoute(apps(RouteSpec.forOrg(ACME, "acme.test", UP)), "acme.test");
    server.enqueue(new MockResponse.Builder().body(Json.text(current)).build());
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP))));
    server.enqueue(ok());
    ObjectNode handEdited = ((ObjectNode) current.deepCopy());
    handEdited.set("handle", Json.array());
    server.enqueue(route(handEdited));
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP2))));
    server.enqueue(ok());

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2));
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP));

    for (int i = 0; i < 2; i++) {
      assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
      assertThat(line(take())).isEqualTo("GET /config/apps");
      assertThat(line(take())).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
    }
    assertThat(ingress.adminWrites()).isEqualTo(2);
  }

  @Test
  void addsAndChangesOfSeveralRoutesGoTheWholeWay() throws Exception {
    settle(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP));
    // a new host: no GET by id at all
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP))));
    server.enqueue(ok());
    ingress.upsert(RouteSpec.forOrg(ACME, "new.test", UP));
    assertThat(line(take())).isEqualTo("GET /config/apps");
    assertThat(line(take())).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");

    // two existing hosts changing: both read by id, then one whole write
    ObjectNode three = apps(RouteSpec.forOrg(ACME, "acme.test", UP), RouteSpec.forOrg(BETA, "beta.test", UP),
        RouteSpec.forOrg(ACME, "new.test", UP));
    server.enqueue(route(hostRoute(three, "acme.test")));
    server.enqueue(route(hostRoute(three, "beta.test")));
    server.enqueue(config(three));
    server.enqueue(ok());
    ingress.apply(List.of(RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2)),
        RouteChange.upsert(RouteSpec.forOrg(BETA, "beta.test", UP2))));
    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:acme.test");
    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:beta.test");
    assertThat(line(take())).isEqualTo("GET /config/apps");
    assertThat(line(take())).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");

    // removing a host's only route changes the host set: whole way
    ObjectNode changed = apps(RouteSpec.forOrg(ACME, "acme.test", UP2), RouteSpec.forOrg(BETA, "beta.test", UP2),
        RouteSpec.forOrg(ACME, "new.test", UP));
    server.enqueue(route(hostRoute(changed, "new.test")));
    server.enqueue(config(changed));
    server.enqueue(ok());
    assertThat(ingress.remove(run.getbot.isolation.RouteKey.of("new.test"))).isTrue();
    assertThat(line(take())).isEqualTo("GET /id/getbot-host:getbot:new.test");
    assertThat(line(take())).isEqualTo("GET /config/apps");
    RecordedRequest patch = take();
    assertThat(line(patch)).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
    assertThat(patch.getBody().utf8()).doesNotContain("new.test");

    // removing an org: hosts not known up front, whole way
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP2), RouteSpec.forOrg(BETA, "beta.test", UP2))));
    server.enqueue(ok());
    assertThat(ingress.removeOrg(BETA)).isEqualTo(1);
    assertThat(line(take())).isEqualTo("GET /config/apps");
    assertThat(line(take())).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
    assertThat(ingress.adminWrites()).isEqualTo(4);
  }

  @Test
  void theFirstChangeOfAnIngressGoesTheWholeWayToConvergeTheServer() throws Exception {
    server.enqueue(config(apps(RouteSpec.forOrg(ACME, "acme.test", UP))));
    server.enqueue(ok());
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", UP2));
    assertThat(line(take())).isEqualTo("GET /config/apps");
    assertThat(line(take())).isEqualTo("PATCH /config/apps/http/servers/getbot/routes");
  }

  @Test
  void adminDownIsProviderUnavailable() throws IOException {
    server.close();
    assertThatThrownBy(() -> ingress.apply(List.of(RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", UP)))))
        .isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("http://127.0.0.1:" + server.getPort());
  }
}
