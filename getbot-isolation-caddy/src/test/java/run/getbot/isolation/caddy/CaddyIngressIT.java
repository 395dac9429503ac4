package run.getbot.isolation.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;
import run.getbot.isolation.caddy.internal.ETags;
import run.getbot.isolation.caddy.internal.Json;

/** {@link CaddyIngress} against a real {@code caddy run} on loopback, with in-JVM upstreams. */
class CaddyIngressIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  private static final OrgName ACME = OrgName.of("acme");
  private static final OrgName BETA = OrgName.of("beta");

  private static Upstreams upstreams;
  private static Upstream upA;
  private static Upstream upB;
  private static LoopbackHttp web;

  private int port;
  private CaddyIngress ingress;

  @BeforeAll
  static void startUpstreams() throws IOException {
    upstreams = new Upstreams();
    upA = upstreams.start("A");
    upB = upstreams.start("B");
    web = LoopbackHttp.plain();
  }

  @AfterAll
  static void stopUpstreams() {
    if (upstreams != null) {
      upstreams.close();
      web.close();
    }
  }

  @BeforeEach
  void newIngress() throws IOException {
    port = CaddyProcess.freePort();
    ingress = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build();
  }

  @AfterEach
  void closeIngress() {
    ingress.close();
  }

  private LoopbackHttp.Answer get(String host, String path) {
    return web.get("http://" + host + ":" + port + path);
  }

  @Test
  void orgHostReachesItsUpstreamAndUnknownHostsGet404() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));

    assertThat(get("acme.test", "/")).isEqualTo(new LoopbackHttp.Answer(200, "A /"));
    assertThat(get("acme.test", "/marketing/x?q=1").body()).isEqualTo("A /marketing/x?q=1");
    assertThat(get("other.test", "/").status()).isEqualTo(404);
    assertThat(get("other.test", "/").body()).isEqualTo("unknown host");
  }

  @Test
  void teamRouteAddedAfterTheOrgRouteWins() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    ingress.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB));

    assertThat(get("acme.test", "/marketing/page").body()).isEqualTo("B /marketing/page");
    assertThat(get("acme.test", "/marketing").body()).isEqualTo("B /marketing");
    assertThat(get("acme.test", "/marketingx").body()).isEqualTo("A /marketingx");
    assertThat(get("acme.test", "/").body()).isEqualTo("A /");
  }

  @Test
  void teamRouteAddedBeforeTheOrgRouteWinsToo() {
    ingress.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB));
    assertThat(get("acme.test", "/").status()).as("no org route yet").isEqualTo(404);

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));

    assertThat(get("acme.test", "/marketing/page").body()).isEqualTo("B /marketing/page");
    assertThat(get("acme.test", "/").body()).isEqualTo("A /");
  }

  @Test
  void pathPrefixIsStrippedWhenConfigured() throws IOException {
    try (CaddyIngress stripping = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port)
        .stripPathPrefix(true).build()) {
      stripping.apply(List.of(RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", upA)),
          RouteChange.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB))));

      assertThat(get("acme.test", "/marketing/page?x=1").body()).isEqualTo("B /page?x=1");
      assertThat(get("acme.test", "/marketing").body()).isEqualTo("B /");
      assertThat(get("acme.test", "/other").body()).isEqualTo("A /other");
    }
  }

  @Test
  void removingTheTeamFallsBackToTheOrgRouteAndRemovingTheOrgRemovesBoth() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    ingress.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB));
    ingress.upsert(RouteSpec.forOrg(BETA, "beta.test", upB));

    assertThat(ingress.remove(RouteKey.of("acme.test", "marketing"))).isTrue();
    assertThat(get("acme.test", "/marketing/page").body()).isEqualTo("A /marketing/page");
    assertThat(ingress.remove(RouteKey.of("acme.test", "marketing"))).isFalse();

    ingress.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB));
    assertThat(ingress.removeOrg(ACME)).isEqualTo(2);
    assertThat(get("acme.test", "/marketing/page").status()).isEqualTo(404);
    assertThat(get("acme.test", "/").status()).isEqualTo(404);
    assertThat(get("beta.test", "/").body()).isEqualTo("B /");
    assertThat(ingress.routes()).extracting(RouteSpec::host).containsExactly("beta.test");
  }

  @Test
  void routesAreReadBackFromCaddyWithTheirOrgs() {
    ingress.upsert(RouteSpec.forTeam(ACME, "acme.test", "sales", upB));
    ingress.upsert(RouteSpec.forOrg(BETA, "beta.test", upB));
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));

    try (CaddyIngress fresh = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build()) {
      assertThat(fresh.routes()).containsExactly(
          RouteSpec.forOrg(ACME, "acme.test", upA),
          RouteSpec.forTeam(ACME, "acme.test", "sales", upB),
          RouteSpec.forOrg(BETA, "beta.test", upB));
    }
  }

  @Test
  void aHostOfAnotherOrgIsAConflictAndNothingIsWritten() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    long writes = ingress.adminWrites();
    JsonNode before = CADDY.get("/config/");

    assertThatThrownBy(() -> ingress.upsert(RouteSpec.forTeam(BETA, "acme.test", "x", upB)))
        .isInstanceOf(ConflictException.class).hasMessageContaining("acme.test").hasMessageContaining("acme");
    assertThatThrownBy(() -> ingress.apply(List.of(
        RouteChange.upsert(RouteSpec.forOrg(BETA, "beta.test", upB)),
        RouteChange.upsert(RouteSpec.forOrg(BETA, "acme.test", upB)))))
        .isInstanceOf(ConflictException.class);

    assertThat(ingress.adminWrites()).isEqualTo(writes);
    assertThat(CADDY.get("/config/")).isEqualTo(before);
  }

  @Test
  void aBatchOfHundredRoutesIsOneAdminWrite() {
    ingress.ensureServer();
    List<RouteChange> batch = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      OrgName org = OrgName.of("org" + i);
      batch.add(RouteChange.upsert(RouteSpec.forTeam(org, "org" + i + ".test", "team", upB)));
      batch.add(RouteChange.upsert(RouteSpec.forOrg(org, "org" + i + ".test", upA)));
    }
    long writes = ingress.adminWrites();

    ingress.apply(batch);

    assertThat(ingress.adminWrites() - writes).isEqualTo(1);
    assertThat(ingress.routes()).hasSize(100);
    assertThat(get("org7.test", "/team/x").body()).isEqualTo("B /team/x");
    assertThat(get("org42.test", "/").body()).isEqualTo("A /");

    long again = ingress.adminWrites();
    ingress.apply(batch);
    assertThat(ingress.adminWrites()).as("an unchanged batch writes nothing").isEqualTo(again);

    List<RouteChange> removal = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      removal.add(RouteChange.removeOrg(OrgName.of("org" + i)));
    }
    ingress.apply(removal);
    assertThat(ingress.adminWrites() - again).isEqualTo(1);
    assertThat(ingress.routes()).isEmpty();
  }

  @Test
  void concurrentWritersFromTwoClientsBothLand() throws Exception {
    ingress.ensureServer();
    int perWriter = 12;
    twoWriters("concurrent writers", (writer, prefix) -> {
      for (int i = 0; i < perWriter; i++) {
        writer.upsert(RouteSpec.forOrg(OrgName.of(prefix), prefix + i + ".test", upA));
      }
    });
    assertThat(ingress.routes()).hasSize(2 * perWriter);
  }

  /** What one of two concurrent clients does; {@code prefix} is {@code one} or {@code two}. */
  private interface Writer {
    void write(CaddyIngress writer, String prefix) throws Exception;
  }

  /** Runs {@code writes} on two fresh clients of the test's Caddy at once and waits for both. */
  private void twoWriters(String what, Writer writes) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try (CaddyIngress one = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build();
        CaddyIngress two = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build()) {
      List<Future<?>> futures = new ArrayList<>();
      for (CaddyIngress writer : List.of(one, two)) {
        String prefix = writer == one ? "one" : "two";
        futures.add(pool.submit(() -> {
          start.await();
          writes.write(writer, prefix);
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get();
      }
      System.out.printf("%s: %d + %d writes, %d + %d retried after 412%n", what, one.adminWrites(),
          two.adminWrites(), one.concurrentModifications(), two.concurrentModifications());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void changesOfExistingHostsWriteOnlyTheirRouteAndConcurrentWritersOfBothKindsLoseNothing() throws Exception {
    int perWriter = 8;
    List<RouteChange> seed = new ArrayList<>();
    for (String prefix : List.of("one", "two")) {
      for (int i = 0; i < perWriter; i++) {
        seed.add(RouteChange.upsert(RouteSpec.forOrg(OrgName.of(prefix), prefix + i + ".test", upA)));
      }
    }
    ingress.apply(seed);
    long before = ingress.adminWrites();
    ingress.upsert(RouteSpec.forOrg(OrgName.of("one"), "one0.test", upB));
    assertThat(ingress.adminWrites() - before).isEqualTo(1);
    assertThat(get("one0.test", "/").body()).isEqualTo("B /");
    ingress.upsert(RouteSpec.forOrg(OrgName.of("one"), "one0.test", upB));
    assertThat(ingress.adminWrites() - before).as("an unchanged route is not written").isEqualTo(1);
    assertThatThrownBy(() -> ingress.upsert(RouteSpec.forOrg(OrgName.of("two"), "one1.test", upB)))
        .isInstanceOf(ConflictException.class);
    assertThat(ingress.adminWrites() - before).isEqualTo(1);

    twoWriters("narrow and whole writers", (writer, prefix) -> {
      OrgName org = OrgName.of(prefix);
      for (int i = 0; i < perWriter; i++) {
        writer.upsert(RouteSpec.forOrg(org, prefix + i + ".test", upB));      // an existing host: narrow
        writer.upsert(RouteSpec.forOrg(org, prefix + "new" + i + ".test", upA)); // a new host: whole config
      }
    });
    List<RouteSpec> routes = ingress.routes();
    assertThat(routes).hasSize(4 * perWriter);
    for (RouteSpec route : routes) {
      assertThat(route.upstream()).as(route.host()).isEqualTo(route.host().contains("new") ? upA : upB);
    }
  }

  @Test
  void routesSurviveARestartWithTheSavedConfigAndWithResume() throws Exception {
    ingress.apply(List.of(RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", upA)),
        RouteChange.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", upB))));
    List<RouteSpec> before = ingress.routes();
    Path saved = CADDY.dir().resolve("saved.json");
    Files.write(saved, Json.bytes(CADDY.get("/config/")));

    CADDY.stop();
    CADDY.start(List.of("--config", saved.toString()));
    try (CaddyIngress fresh = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build()) {
      assertThat(fresh.routes()).isEqualTo(before);
      assertThat(get("acme.test", "/marketing/x").body()).isEqualTo("B /marketing/x");
    }

    CADDY.stop();
    CADDY.start(List.of("--resume"));
    try (CaddyIngress fresh = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build()) {
      assertThat(fresh.routes()).isEqualTo(before);
      assertThat(get("acme.test", "/").body()).isEqualTo("A /");
    }
  }

  @Test
  void otherServersAndForeignRoutesAreLeftAlone() throws IOException {
    int otherPort = CaddyProcess.freePort();
    ObjectNode config = CADDY.bootConfig();
    ObjectNode other = Json.object();
    other.set("listen", Json.array().add("127.0.0.1:" + otherPort));
    other.putObject("automatic_https").put("disable", true);
    other.set("routes", Json.array().add(Json.object().set("handle", Json.array().add(
        Json.object().put("handler", "static_response").put("body", "other server")))));
    ((ObjectNode) config.get("apps").get("http")).putObject("servers").set("other", other);
    CADDY.load(config);
    JsonNode otherBefore = CADDY.get("/config/apps/http/servers/other");

    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    // someone hand-adds a route to getbot's server; getbot keeps it
    ObjectNode servers = (ObjectNode) CADDY.get("/config/").deepCopy();
    ObjectNode getbot = (ObjectNode) servers.get("apps").get("http").get("servers").get("getbot");
    ((com.fasterxml.jackson.databind.node.ArrayNode) getbot.get("routes")).insert(0, Json.object()
        .set("match", Json.array().add(Json.object().set("host", Json.array().add("status.test")))))
        .get(0);
    ((ObjectNode) getbot.get("routes").get(0)).set("handle", Json.array().add(
        Json.object().put("handler", "static_response").put("body", "status ok")));
    CADDY.load(servers);
    ingress.upsert(RouteSpec.forOrg(BETA, "beta.test", upB));

    assertThat(CADDY.get("/config/apps/http/servers/other")).isEqualTo(otherBefore);
    assertThat(web.get("http://x.test:" + otherPort + "/").body()).isEqualTo("other server");
    assertThat(get("status.test", "/").body()).isEqualTo("status ok");
    assertThat(get("beta.test", "/").body()).isEqualTo("B /");
    assertThat(ingress.routes()).extracting(RouteSpec::host).containsExactly("acme.test", "beta.test");
  }

  @Test
  void ensureServerCreatesTheServerOnceAndIsIdempotent() {
    assertThat(ingress.routes()).isEmpty();
    ingress.ensureServer();
    ingress.ensureServer();
    assertThat(ingress.adminWrites()).isEqualTo(1);
    JsonNode server = CADDY.get("/config/apps/http/servers/getbot");
    assertThat(server.get("listen")).hasToString("[\"127.0.0.1:" + port + "\"]");
    assertThat(server.get("routes")).hasSize(1);
    assertThat(get("anything.test", "/").status()).isEqualTo(404);
  }

  @Test
  void caddyRefusingTheConfigIsAnOperationFailedWithItsMessageAndNothingChanges() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    JsonNode before = CADDY.get("/config/");
    try (CaddyIngress broken = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port, "127.0.0.1:1-0")
        .build()) {
      assertThatThrownBy(() -> broken.upsert(RouteSpec.forOrg(BETA, "beta.test", upB)))
          .isInstanceOfSatisfying(OperationFailedException.class,
              e -> assertThat(e.backendMessage()).startsWith("loading new config"));
    }
    assertThat(CADDY.get("/config/")).isEqualTo(before);
    assertThat(get("acme.test", "/").body()).isEqualTo("A /");
  }

  @Test
  void theETagTrailerIsTheFnvHashOfTheBody() {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    String[] answer = CADDY.getWithETag("/config/apps");
    assertThat(answer[1]).isEqualTo(ETags.fnvETag("/config/apps", answer[0]));
  }

  @Test
  void caddy262GetsNoStreamCloseDelayAndAStatedNewerVersionDoes() throws IOException {
    ingress.upsert(RouteSpec.forOrg(ACME, "acme.test", upA));
    assertThat(Json.text(CADDY.get("/config/apps"))).contains("reverse_proxy").doesNotContain("stream_close_delay");

    try (CaddyIngress newer = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port)
        .caddyVersion("v2.8.4").build()) {
      assertThatThrownBy(() -> newer.upsert(RouteSpec.forOrg(BETA, "beta.test", upB)))
          .as("2.6.2 refuses the field it does not know, so probing matters")
          .isInstanceOf(OperationFailedException.class).hasMessageContaining("stream_close_delay");
    }
  }
}
