package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GetbotIsolationTest {

  /** Nothing answers here: no socket at that path, nothing listens on loopback port 1. */
  private static final Settings NOTHING_RUNS = Settings.fromEnvironment(Map.of(
      "INCUS_SOCKET", "/nonexistent/incus.socket", "GETBOT_CADDY_ADMIN", "http://127.0.0.1:1"));

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return GetbotIsolation.run(args, NOTHING_RUNS, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void demoRunsTheWholeLifecycleOnTheFallbackBackendsAndSaysSo() {
    assertThat(run("demo")).isEqualTo(GetbotIsolation.OK);

    assertThat(out().lines().findFirst()).contains("backends: in-memory provider (no Incus socket at "
        + "/nonexistent/incus.socket); in-memory ingress (no Caddy admin at http://127.0.0.1:1) "
        + "(state lives only as long as this command)");
    assertThat(out())
        .contains("[container] creating container acme")
        .contains("[route] routing acme.getbot.run/marketing to 10.199.0.100:8080")
        .contains("| acme | RUNNING | 10.199.0.100 (eth0) | CONTAINER | 0         |")
        .contains("welcome to acme")
        .contains("in-memory ingress routes acme.getbot.run/marketing/ to 10.199.0.100:8080")
        .contains("undeployed acme; routes left: 0");
    assertThat(out().strip()).endsWith("+------+-------+------+------+-----------+");
  }

  @Test
  void theDockerDemoNeedsRealIncusAndSaysSo() {
    assertThat(run("demo", "--docker")).isEqualTo(GetbotIsolation.UNAVAILABLE);

    assertThat(out()).startsWith("backends: in-memory provider (no Incus socket at /nonexistent/incus.socket)");
    assertThat(err()).contains("demo --docker runs Docker inside a real Incus container; the in-memory provider has "
        + "none (start Incus with scripts/start-incus.sh, or set INCUS_SOCKET)");
    assertThat(out()).doesNotContain("[container]");
  }

  @Test
  void dockerBelongsToTheDemo() {
    assertThat(run("--in-memory", "--docker", "list")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(err()).contains("--docker belongs to demo");
    assertThat(run("demo", "extra")).isEqualTo(GetbotIsolation.USAGE);
  }

  @Test
  void deployPrintsTheUrl() {
    assertThat(run("--in-memory", "--base-domain", "agents.example", "deploy", "bob@beta.org", "--team", "ops",
        "--port", "3000")).isEqualTo(GetbotIsolation.OK);
    assertThat(out()).contains("deployed beta at 10.199.0.100: http://beta.agents.example/ops/");
  }

  @Test
  void listOfNothingIsTheHeader() {
    assertThat(run("--in-memory", "list")).isEqualTo(GetbotIsolation.OK);
    assertThat(out()).contains("| NAME | STATE | IPV4 | TYPE | SNAPSHOTS |");
  }

  @Test
  void deletingAnUnknownOrgIsNotFound() {
    assertThat(run("--in-memory", "delete", "acme")).isEqualTo(GetbotIsolation.NOT_FOUND);
    assertThat(err()).contains("org acme has no container and no routes");
  }

  @Test
  void reconcileOfNothingChangesNothing() {
    assertThat(run("--in-memory", "reconcile")).isEqualTo(GetbotIsolation.OK);
    assertThat(out()).contains("nothing to change");
  }

  @Test
  void malformedCommandLinesAreUsageErrors() {
    assertThat(run()).isEqualTo(GetbotIsolation.USAGE);
    assertThat(run("launch")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(run("deploy", "alice@acme.com")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(run("deploy", "alice@acme.com", "--team", "x", "--port", "eighty")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(run("list", "--team", "x")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(run("--bogus", "list")).isEqualTo(GetbotIsolation.USAGE);
    assertThat(err()).contains("unknown command launch").contains("usage: getbot-isolation");
  }

  @Test
  void invalidInputIsRejectedWithItsReason() {
    assertThat(run("--in-memory", "deploy", "carol@gmail.com", "--team", "x", "--port", "80"))
        .isEqualTo(GetbotIsolation.INVALID);
    assertThat(err()).contains("shared mailbox");
    assertThat(run("--in-memory", "delete", "Not_An_Org")).isEqualTo(GetbotIsolation.INVALID);
    assertThat(run("--tls", "maybe", "list")).isEqualTo(GetbotIsolation.INVALID);
  }

  @Test
  void helpGoesToStandardOutput() {
    assertThat(run("--help")).isEqualTo(GetbotIsolation.OK);
    assertThat(out()).contains("deploy EMAIL --team TEAM --port PORT").contains("demo [--docker]")
        .contains("scripts/build-docker-image.sh").contains("GETBOT_DOCKER_IMAGE");
  }

  @Test
  void settingsReadTheEnvironment() {
    Settings s = Settings.fromEnvironment(Map.of("INCUS_SOCKET", "/run/x.sock", "GETBOT_TEST_IMAGE", "/tmp/i.tgz"));
    assertThat(s.incusSocket()).isEqualTo(Path.of("/run/x.sock"));
    assertThat(s.imageTarball()).isEqualTo(Path.of("/tmp/i.tgz"));
    assertThat(s.caddyAdmin()).isEqualTo("http://127.0.0.1:2019");
    assertThat(s.listenPort()).isEqualTo(18080);
    assertThat(s.dockerImage()).isEqualTo(Path.of("/var/cache/getbot-isolation/getbot-docker.tar.gz"));
  }

  @Test
  void theDockerImageComesFromTheEnvironmentOrTheCache() {
    Settings cached = Settings.fromEnvironment(Map.of("GETBOT_CACHE", "/srv/cache"));
    assertThat(cached.dockerImage()).isEqualTo(Path.of("/srv/cache/getbot-docker.tar.gz"));
    assertThat(cached.imageTarball()).isEqualTo(Path.of("/srv/cache/getbot-busybox.tar.gz"));

    Settings docker = Settings.fromEnvironment(Map.of("GETBOT_DOCKER_IMAGE", "/tmp/d.tgz")).forDocker();
    assertThat(docker.imageTarball()).isEqualTo(Path.of("/tmp/d.tgz"));
    assertThat(docker.imageAlias()).isEqualTo("getbot-docker");
    assertThat(docker.withImageAlias("mine").forDocker().imageAlias()).isEqualTo("mine");
  }
}
