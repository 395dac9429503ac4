package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.caddy.CaddyProcess;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.incus.RealIncus;
import run.getbot.isolation.incus.RealIncusTest;

/**
 * The README's {@code demo} and {@code demo --docker} on the real daemons: the product's bridge and pool, org
 * {@code acme}, the request going through a real Caddy (on loopback) to the container's own web server (or, with
 * {@code --docker}, to a Compose service in the container's own Docker).
 */
@RealIncusTest
class DemoIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  /** Acme's row of the table; columns are as wide as the longest name on the daemon (other orgs may be there). */
  private static final String ACME_ROW =
      "\\| acme +\\| RUNNING \\| 10\\.199\\.0\\.100 \\(eth0\\) +\\| CONTAINER \\| 0 +\\|";

  @Test
  void theDemoRunsTheWholeLifecycleOnRealIncusAndCaddy() throws IOException {
    int port = CaddyProcess.freePort();

    String text = demo(port, Path.of("/nonexistent"), "demo");

    assertThat(text)
        .containsPattern(ACME_ROW)
        .contains("welcome to acme")
        .contains("GET http://acme.getbot.run:" + port + "/marketing/ -> 200: <html><body><h1>acme</h1></body></html>")
        .contains("undeployed acme; routes left: 0");
  }

  @Test
  void theDockerDemoServesAComposeServiceFromTheOrgsOwnDocker() throws IOException {
    int port = CaddyProcess.freePort();

    String text = demo(port, RealIncus.dockerImageFile(), "demo", "--docker");

    assertThat(text)
        .contains("[healthy] every service of team marketing is healthy")
        .containsPattern(ACME_ROW)
        .contains("   " + BusyboxWorkload.HELLO + "\n")
        .containsPattern("getbot-marketing_web_1 +.*Up \\(healthy\\)")
        .contains("GET http://acme.getbot.run:" + port + "/marketing/ -> 200: " + BusyboxWorkload.PAGE)
        .contains("undeployed acme; routes left: 0");
  }

  @Test
  void theDockerDemoWithoutTheDockerImageSaysHowToBuildIt() throws IOException {
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = run(CaddyProcess.freePort(), Path.of("/nonexistent/getbot-docker.tar.gz"), new ByteArrayOutputStream(),
        err, "demo", "--docker");

    assertThat(status).isEqualTo(GetbotIsolation.UNAVAILABLE);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("demo --docker needs the Docker image, and there is "
        + "none at /nonexistent/getbot-docker.tar.gz: build it with scripts/build-docker-image.sh");
  }

  /** Runs the program with {@code args} on the real daemons, as org {@code acme}, successfully; its output. */
  private static String demo(int port, Path dockerImage, String... args) {
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      assertThat(incus.find(OrgName.of("acme"))).as("an org acme left by someone else").isEmpty();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = run(port, dockerImage, out, err, args);

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8) + text).isZero();
    assertThat(text).startsWith("backends: Incus at " + RealIncus.socket() + "; Caddy at " + CADDY.adminUrl());
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      assertThat(incus.find(OrgName.of("acme"))).isEmpty();
    }
    return text;
  }

  private static int run(int port, Path dockerImage, ByteArrayOutputStream out, ByteArrayOutputStream err,
                         String... args) {
    Settings settings = new Settings(RealIncus.socket(), CADDY.adminUrl(), "127.0.0.1:" + port, "off",
        "getbot.run", "getbot-busybox", RealIncus.testImageFile(), dockerImage, false);
    return GetbotIsolation.run(args, settings, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }
}
