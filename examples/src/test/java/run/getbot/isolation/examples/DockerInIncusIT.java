package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ComposeProject;
import run.getbot.isolation.DeployRequest;
import run.getbot.isolation.Deployment;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgIsolation;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.SecurityFlags;
import run.getbot.isolation.caddy.CaddyIngress;
import run.getbot.isolation.caddy.CaddyProcess;
import run.getbot.isolation.caddy.TlsMode;
import run.getbot.isolation.examples.DeployPipelineIT.Incus;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.incus.RealIncus;
import run.getbot.isolation.incus.RealIncusTest;

/**
 * Docker-in-Incus end to end on a real Incus and a real Caddy: an org container from the Docker image (the three
 * {@link SecurityFlags#DOCKER} flags, unprivileged), a busybox image built on the host and {@code docker import}ed
 * inside, a Compose project with a health check serving HTTP on the team's port, the page through Caddy on loopback,
 * a secret that never shows in any output, and nothing left after {@code undeploy}. Requests go only to Caddy on
 * 127.0.0.1; the org's Docker pulls nothing (every image is local, the failing project's bad name is invalid).
 */
@RealIncusTest
class DockerInIncusIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  private static final String BASE_DOMAIN = "getbot.test";
  /** Upper case: as an image or volume name it is invalid, so nothing ever looks it up in a registry. */
  private static final String SECRET = "sk-LIVE-" + randomHex();
  /** A project Compose refuses, quoting the secret interpolated from {@code .env} in its own error. */
  private static final String LEAKY_COMPOSE = String.join("\n",
      "version: \"2.4\"",
      "services:",
      "  web:",
      "    image: " + BusyboxWorkload.IMAGE,
      "    volumes:",
      "      - \"${AGENT_TOKEN}:/data\"",
      "");

  @TempDir
  static Path dir;

  private static ImageRef image;
  private static BridgeSpec bridge;
  private static PoolSpec pool;
  private static IncusIsolationProvider incus;
  private static CaddyIngress caddy;
  private static OrgIsolation isolation;
  private static OrgName org;
  private static int listenPort;

  private final List<ProgressEvent> events = new ArrayList<>();
  private final Map<String, String> firstSeen = new LinkedHashMap<>(); // step -> seconds since the test started
  private final long started = System.nanoTime();
  private final ByteArrayOutputStream console = new ByteArrayOutputStream();
  private final List<String> timings = new ArrayList<>();

  @BeforeAll
  static void daemons() throws IOException {
    long start = System.nanoTime();
    image = RealIncus.dockerImage();
    System.err.println("DockerInIncusIT: Docker image ready in " + seconds(start) + " s");
    bridge = RealIncus.freshBridge();
    pool = RealIncus.freshPool(bridge);
    incus = RealIncus.provider();
    listenPort = CaddyProcess.freePort();
    caddy = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + listenPort).httpRedirects(false)
        .stripPathPrefix(true).build();
    isolation = OrgIsolation.builder(incus, caddy, image).orgDefaults(spec -> spec.bridge(bridge).pool(pool)).baseDomain(BASE_DOMAIN)
        .scheme("http").build();
    org = OrgName.of(RealIncus.uniqueName()); // gbt-…: a leftover is found and removed by a later run
  }

  @AfterAll
  static void cleanUp() {
    if (incus != null) {
      isolation.undeploy(org);
      caddy.close();
      incus.deleteBridge(bridge.name());
      incus.deletePool(pool.name());
      incus.close();
    }
  }

  @Test
  void anOrgsBotRunsInItsOwnDockerBehindCaddyAndLeavesNothing() throws Exception {
    Path rootfs = BusyboxWorkload.rootfs(BusyboxWorkload.HOST_BUSYBOX, dir);
    ComposeProject project = BusyboxWorkload.project("marketing", 8080, rootfs, Map.of("AGENT_TOKEN", SECRET));

    Deployment d = timed("deploy with workload", () -> isolation.deploy(
        DeployRequest.forEmail("alice@" + org + ".com", "marketing", 8080).withWorkload(project), this::record));

    assertThat(events).extracting(ProgressEvent::step)
        .containsSubsequence("container", "address", "docker", "image", "project", "compose-up", "healthy", "route");
    assertThat(events).filteredOn(e -> e.step().equals("healthy")).last().extracting(ProgressEvent::message)
        .isEqualTo("every service of team marketing is healthy");
    assertThat(d.container().flags()).isEqualTo(SecurityFlags.DOCKER);
    assertThat(Incus.run("config", "get", org.value(), "security.privileged").strip()).isNotEqualTo("true");

    assertThat(exec(BusyboxWorkload.hello())).isEqualTo(BusyboxWorkload.HELLO);
    String ps = exec(BusyboxWorkload.status(project));
    assertThat(ps).containsPattern("getbot-marketing_web_1 +.*Up \\(healthy\\) +0\\.0\\.0\\.0:8080->8080/tcp");
    assertThat(exec(ExecCommand.shell("cd /srv/getbot/marketing && stat -c '%u:%g %a %n' .env compose.yaml "
        + "openclaw-config openclaw-workspace")).lines())
        .containsExactly("1000:1000 600 .env", "1000:1000 644 compose.yaml", "1000:1000 755 openclaw-config",
            "1000:1000 755 openclaw-workspace");
    assertThat(exec(ExecCommand.shell("docker exec getbot-marketing_web_1 sh -c 'printf %s \"$AGENT_TOKEN\" | "
        + "sha256sum'"))).as("the service got the secret from .env").startsWith(sha256(SECRET));

    assertThat(page("/marketing/")).isEqualTo("200 " + BusyboxWorkload.PAGE);
    assertThat(page("/nowhere/")).startsWith("404");

    OperationFailedException leak = catchThrowableOfType(OperationFailedException.class, () -> timed("failing deploy",
        () -> isolation.deploy(DeployRequest.forEmail("alice@" + org + ".com", "broken", 8081).withWorkload(
            ComposeProject.of("broken", LEAKY_COMPOSE).withEnvironment(Map.of("AGENT_TOKEN", SECRET))),
            this::record)));
    assertThat(leak).as("Compose rejects the broken project").isNotNull();
    assertThat(leak.getMessage()).contains("deploy step 'workload' failed")
        .contains("Named volume \"***:/data:rw\" is used in service \"web\"");

    Path instanceDir = pool.source().resolve("containers").resolve(org.value());
    assertThat(instanceDir.resolve("rootfs/var/lib/docker/image")).as("Docker's images, in the org's own rootfs")
        .isDirectory();
    assertThat(timed("undeploy", () -> isolation.undeploy(org))).isTrue();

    assertThat(Incus.list(org.value())).isEmpty();
    assertThat(incus.find(org)).isEmpty();
    assertThat(instanceDir).doesNotExist();
    assertThat(caddy.routes()).noneMatch(r -> r.org().equals(org));
    assertThat(page("/marketing/")).startsWith("404");

    String everything = String.join("\n", events.stream().map(ProgressEvent::toString).toList()) + "\n"
        + console.toString(StandardCharsets.UTF_8) + "\n" + stackTrace(leak) + "\n" + ps + "\n" + CADDY.log();
    assertThat(console.toString(StandardCharsets.UTF_8)).as("the SDK's log was captured")
        .contains("created bridge " + bridge.name());
    assertThat(everything).doesNotContain(SECRET);
    System.err.println("DockerInIncusIT timings: " + String.join(", ", timings) + "; first event of each step at "
        + firstSeen);
  }

  private void record(ProgressEvent event) {
    events.add(event);
    firstSeen.putIfAbsent(event.step(), seconds(started) + " s");
  }

  /** Runs {@code body} with System.out and System.err (where the SDK logs) also copied into {@link #console}. */
  private <T> T timed(String what, Supplier<T> body) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    System.setOut(tee(out));
    System.setErr(tee(err));
    long start = System.nanoTime();
    try {
      return body.get();
    } finally {
      System.setOut(out);
      System.setErr(err);
      timings.add(what + " " + seconds(start) + " s");
    }
  }

  private PrintStream tee(PrintStream original) {
    return new PrintStream(new OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        console.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        console.write(b, off, len);
      }
    }, true, StandardCharsets.UTF_8);
  }

  /** Runs {@code command} in the org container; its stdout, stripped. */
  private static String exec(ExecCommand command) {
    ExecResult r = incus.exec(org, command);
    assertThat(r.exitCode()).as(command + ": " + r.stderr()).isZero();
    return r.stdout().strip();
  }

  /** GET through Caddy's loopback listener with {@code Host: ORG.getbot.test}: status and body. */
  private static String page(String path) throws IOException {
    return DeployPipelineIT.page(isolation.hostOf(org), listenPort, path);
  }

  private static String sha256(String text) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
  }

  private static String randomHex() {
    byte[] bytes = new byte[9];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private static String stackTrace(Throwable t) {
    StringWriter w = new StringWriter();
    t.printStackTrace(new PrintWriter(w));
    return w.toString();
  }

  private static String seconds(long startNanos) {
    return String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - startNanos) / 1e9);
  }
}
