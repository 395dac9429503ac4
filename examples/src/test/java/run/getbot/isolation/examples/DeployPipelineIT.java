package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.DeployRequest;
import run.getbot.isolation.Deployment;
import run.getbot.isolation.OrgIsolation;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ReconcileReport;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.caddy.CaddyIngress;
import run.getbot.isolation.caddy.CaddyProcess;
import run.getbot.isolation.caddy.TlsMode;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.incus.RealIncus;
import run.getbot.isolation.incus.RealIncusTest;

/**
 * The deploy pipeline end to end on a real Incus and a real Caddy: from an email to a page served by the org's own
 * container through Caddy on loopback, and back to nothing. Requests go only to Caddy on 127.0.0.1.
 */
@RealIncusTest
class DeployPipelineIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  private static final String BASE_DOMAIN = "getbot.test";
  private static BridgeSpec bridge;
  private static PoolSpec pool;
  private static IncusIsolationProvider incus;

  private int listenPort;
  private CaddyIngress caddy;
  private OrgIsolation isolation;
  private String email;
  private OrgName org;

  @BeforeAll
  static void daemon() {
    bridge = RealIncus.freshBridge();
    pool = RealIncus.freshPool(bridge);
    incus = RealIncus.provider();
  }

  @AfterAll
  static void cleanUp() {
    if (incus != null) {
      incus.deleteBridge(bridge.name());
      incus.deletePool(pool.name());
      incus.close();
    }
  }

  @BeforeEach
  void pipeline() throws IOException {
    listenPort = CaddyProcess.freePort();
    caddy = newIngress();
    isolation = OrgIsolation.builder(incus, caddy, RealIncus.image()).orgDefaults(spec -> spec.bridge(bridge).pool(pool))
        .baseDomain(BASE_DOMAIN).scheme("http").build();
    String domain = RealIncus.uniqueName(); // gbt-…: a leftover is found and removed by the next run
    email = "alice@" + domain + ".com";
    org = OrgName.of(domain);
  }

  private CaddyIngress newIngress() {
    return CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + listenPort).httpRedirects(false)
        .stripPathPrefix(true).build();
  }

  @AfterEach
  void undeploy() {
    isolation.undeploy(org);
    caddy.close();
  }

  private String page(String path) throws IOException {
    return page(isolation.hostOf(org), listenPort, path);
  }

  /** GET {@code http://HOST:PORT/PATH} from Caddy's loopback listener (every host resolves to 127.0.0.1). */
  static String page(String host, int port, String path) throws IOException {
    OkHttpClient http = new OkHttpClient.Builder()
        .dns(name -> List.of(InetAddress.getByAddress(name, new byte[] {127, 0, 0, 1})))
        .callTimeout(Duration.ofSeconds(10)).build();
    try (Response r = http.newCall(new Request.Builder().url("http://" + host + ":" + port + path).build())
        .execute()) {
      return r.code() + " " + r.body().string().strip();
    }
  }

  @Test
  void anEmailBecomesAPageServedByTheOrgsOwnContainerThroughCaddy() throws IOException {
    Deployment d = isolation.deploy(DeployRequest.forEmail(email, "marketing", 8080));

    assertThat(d.container().ipv4()).contains(d.address());
    assertThat(page("/marketing/")).isEqualTo("200 <html><body><h1>" + org + "</h1></body></html>");
    assertThat(page("/nowhere/")).startsWith("404");
  }

  @Test
  void aSecondTeamAddsARouteWithoutTouchingTheContainer() throws Exception {
    isolation.deploy(DeployRequest.forEmail(email, "marketing", 8080));
    String uuid = incusConfig("volatile.uuid");

    Deployment sales = isolation.deploy(DeployRequest.forEmail(email, "sales", 8080));

    assertThat(incusConfig("volatile.uuid")).isEqualTo(uuid);
    assertThat(incus.list().stream().filter(c -> c.name().equals(org)).count()).isEqualTo(1);
    assertThat(sales.url()).hasToString("http://" + org + "." + BASE_DOMAIN + "/sales/");
    assertThat(page("/sales/")).isEqualTo("200 <html><body><h1>" + org + "</h1></body></html>");
    assertThat(page("/marketing/")).startsWith("200");
  }

  @Test
  void undeployLeavesNoInstanceAndNoRoute() throws Exception {
    isolation.deploy(DeployRequest.forEmail(email, "marketing", 8080));
    isolation.deploy(DeployRequest.forEmail(email, "sales", 8080));

    assertThat(isolation.undeploy(org)).isTrue();

    assertThat(Incus.list(org.value())).isEmpty();
    assertThat(caddy.routes()).noneMatch(r -> r.org().equals(org));
    assertThat(page("/marketing/")).startsWith("404");
  }

  @Test
  void reconcileRestoresEveryRouteAfterCaddyRestartsWithAnEmptyConfig() throws Exception {
    isolation.deploy(DeployRequest.forEmail(email, "marketing", 8080));
    isolation.deploy(DeployRequest.forEmail(email, "sales", 8080));

    CADDY.stop();
    CADDY.start(List.of("--config", CADDY.dir().resolve("boot.json").toString()));
    assertThat(caddy.routes()).isEmpty();

    ReconcileReport report = isolation.reconcile();

    assertThat(report.routesRestored()).extracting(r -> r.key())
        .containsExactlyInAnyOrder(RouteKey.of(isolation.hostOf(org), "marketing"),
            RouteKey.of(isolation.hostOf(org), "sales"));
    assertThat(caddy.adminWrites()).isGreaterThan(0);
    assertThat(page("/marketing/")).startsWith("200");
    assertThat(page("/sales/")).startsWith("200");
    assertThat(isolation.reconcile().isEmpty()).isTrue();
  }

  private String incusConfig(String key) throws Exception {
    return Incus.run("config", "get", org.value(), key).strip();
  }

  /** The real {@code incus} CLI, which we did not write. */
  static final class Incus {
    static String run(String... args) throws Exception {
      List<String> command = new java.util.ArrayList<>(List.of("incus"));
      command.addAll(List.of(args));
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
      if (!p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new AssertionError("incus " + String.join(" ", args) + " failed: " + out);
      }
      return out;
    }

    static String list(String name) throws Exception {
      return run("list", "^" + name + "$", "-f", "csv", "-c", "n").strip();
    }
  }
}
