package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.caddy.CaddyProcess;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.incus.RealIncus;
import run.getbot.isolation.incus.RealIncusTest;

/**
 * The README's {@code demo} on the real daemons: the product's bridge and pool, org {@code acme}, the request going
 * through a real Caddy (on loopback) to the container's own web server.
 */
@RealIncusTest
class DemoIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  @Test
  void theDemoRunsTheWholeLifecycleOnRealIncusAndCaddy() throws IOException {
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      assertThat(incus.find(OrgName.of("acme"))).as("an org acme left by someone else").isEmpty();
    }
    int port = CaddyProcess.freePort();
    Settings settings = new Settings(RealIncus.socket(), CADDY.adminUrl(), "127.0.0.1:" + port, "off",
        "getbot.run", "getbot-busybox", RealIncus.testImageFile(), false);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();

    int status = GetbotIsolation.run(new String[] {"demo"}, settings,
        new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    assertThat(text)
        .startsWith("backends: Incus at " + RealIncus.socket() + "; Caddy at " + CADDY.adminUrl())
        .contains("| acme | RUNNING | 10.199.0.100 (eth0) | CONTAINER | 0         |")
        .contains("welcome to acme")
        .contains("GET http://acme.getbot.run:" + port + "/marketing/ -> 200: <html><body><h1>acme</h1></body></html>")
        .contains("undeployed acme; routes left: 0");
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      assertThat(incus.find(OrgName.of("acme"))).isEmpty();
    }
  }
}
