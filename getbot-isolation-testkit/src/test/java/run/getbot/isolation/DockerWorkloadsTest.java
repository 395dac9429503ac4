package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.testkit.ExecContext;
import run.getbot.isolation.testkit.ExecHandler;
import run.getbot.isolation.testkit.InMemoryIngress;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

/** The workload API on the fake, with a scripted Docker: what it runs, what it writes, what it never says. */
class DockerWorkloadsTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final String SECRET = "sk-live-TOPSECRET-42";
  private static final String COMPOSE = "services:\n  agent:\n    image: agent/busybox:1\n";

  private final List<String> scripts = new ArrayList<>();
  private String composeUpStderr = "";
  private int composeUpExit = 0;
  private String health = "/getbot-marketing_agent_1 healthy";
  private int execFailures = 0;
  private final InMemoryIsolationProvider provider = InMemoryIsolationProvider.builder().execHandler(this::docker)
      .build();
  private final DockerWorkloads workloads = new DockerWorkloads(provider);

  /** A scripted Docker; everything else goes to the fake's shell. */
  private ExecResult docker(ExecContext ctx) {
    String script = ctx.command().argv().get(ctx.command().argv().size() - 1);
    scripts.add(script);
    if (script.startsWith("docker info")) {
      if (execFailures-- > 0) {
        throw new OperationFailedException("running /bin/sh in acme", "Failed to retrieve PID of executing child "
            + "process");
      }
      return new ExecResult(0, "20.10.24\n", "");
    } else if (script.startsWith("mkdir -p /srv/getbot/marketing")) {
      return ExecHandler.miniShell().run(shell(ctx, script.replaceAll(" && chown .*", "")));
    } else if (script.startsWith("docker import") || script.startsWith("docker load")) {
      return ExecHandler.miniShell().run(shell(ctx, script.replaceAll("^docker [^;]*;", "true;")));
    } else if (script.contains(" up -d")) {
      return new ExecResult(composeUpExit, "", composeUpStderr);
    } else if (script.contains(" down")) {
      return new ExecResult(0, "", "Removing getbot-marketing_agent_1 ... done\n");
    } else if (script.contains("ps -q")) {
      return new ExecResult(0, health + "\n", "");
    }
    return ExecHandler.miniShell().run(ctx);
  }

  private static ExecContext shell(ExecContext ctx, String script) {
    return new ExecContext() {
      @Override public OrgName org() { return ctx.org(); }
      @Override public ExecCommand command() { return ExecCommand.shell(script); }
      @Override public run.getbot.isolation.testkit.ContainerFiles files() { return ctx.files(); }
    };
  }

  private ComposeProject project() {
    return ComposeProject.of("marketing", COMPOSE).withEnvironment(Map.of("OPENAI_API_KEY", SECRET, "MODE", "x"));
  }

  @BeforeEach
  void org() {
    provider.ensureBridge(BridgeSpec.DEFAULT);
    provider.ensurePool(PoolSpec.DEFAULT);
    provider.provision(OrgSpec.of(ACME, ImageRef.alias("getbot-docker")));
    provider.exec(ACME, ExecCommand.shell("mkdir -p /srv"));
    scripts.clear();
  }

  @Test
  void upWritesTheProjectForUid1000AndWaitsUntilHealthy() {
    List<String> steps = new ArrayList<>();
    workloads.up(ACME, project(), e -> steps.add(e.step() + ": " + e.message()));

    FileContent env = provider.pullFile(ACME, "/srv/getbot/marketing/.env");
    assertThat(env.utf8()).isEqualTo("MODE=x\nOPENAI_API_KEY=" + SECRET + "\n");
    assertThat(env.attributes()).isEqualTo(FileAttributes.of(1000, 1000, 0600));
    assertThat(provider.pullFile(ACME, "/srv/getbot/marketing/compose.yaml").utf8()).isEqualTo(COMPOSE);
    assertThat(provider.exec(ACME, ExecCommand.shell("test -d /srv/getbot/marketing/openclaw-config && "
        + "test -d /srv/getbot/marketing/openclaw-workspace")).exitCode()).isZero();
    assertThat(scripts.get(0)).endsWith("chown 1000:1000 /srv/getbot/marketing /srv/getbot/marketing/openclaw-config "
        + "/srv/getbot/marketing/openclaw-workspace");
    assertThat(scripts).anyMatch(s -> s.contains("-p getbot-marketing up -d"));
    assertThat(steps).last().asString().isEqualTo("healthy: every service of team marketing is healthy");
    assertThat(String.join("\n", steps) + scripts).doesNotContain(SECRET);
  }

  @Test
  void aFailingComposeUpNeverQuotesTheSecret() {
    composeUpExit = 1;
    composeUpStderr = "ERROR: invalid interpolation: OPENAI_API_KEY=" + SECRET + " is not allowed";

    assertThatExceptionOfType(OperationFailedException.class)
        .isThrownBy(() -> workloads.up(ACME, project(), ProgressListener.NONE))
        .withMessageContaining("starting the compose project of team marketing in org acme failed (exit 1)")
        .withMessageContaining("OPENAI_API_KEY=***")
        .withMessageNotContaining(SECRET)
        .satisfies(e -> assertThat(e.backendMessage()).doesNotContain(SECRET));
    assertThat(project().toString()).contains("OPENAI_API_KEY").doesNotContain(SECRET);
  }

  @Test
  void anUnhealthyServiceFailsNamingIt() {
    health = "/getbot-marketing_agent_1 unhealthy";

    assertThatExceptionOfType(OperationFailedException.class)
        .isThrownBy(() -> workloads.up(ACME, project(), ProgressListener.NONE))
        .withMessageContaining("service getbot-marketing_agent_1 of team marketing in org acme is unhealthy");
  }

  @Test
  void aServiceThatStaysStartingHitsTheDeadline() {
    health = "/getbot-marketing_agent_1 starting";

    assertThatExceptionOfType(OperationFailedException.class)
        .isThrownBy(() -> workloads.up(ACME, project().withHealthTimeout(Duration.ofMillis(1)), ProgressListener.NONE))
        .withMessageContaining("team marketing in org acme was not healthy within 0 s")
        .satisfies(e -> assertThat(e.backendMessage()).isEqualTo("getbot-marketing_agent_1 starting"));
  }

  @Test
  void aRootfsTarballIsImportedUnderItsReferenceAndNotLeftBehind(@TempDir Path dir) throws IOException {
    Path tarball = Files.write(dir.resolve("busybox rootfs.tar"), "not really a tar".getBytes(StandardCharsets.UTF_8));

    workloads.loadImage(ACME, ImageTarball.rootfs(tarball, "agent/busybox:1"), ProgressListener.NONE);

    assertThat(scripts).anyMatch(s -> s.startsWith("docker import /srv/getbot/.images/busybox_rootfs.tar "
        + "agent/busybox:1;"));
    assertThat(provider.exec(ACME, ExecCommand.shell("test -e /srv/getbot/.images/busybox_rootfs.tar")).exitCode())
        .isEqualTo(1);
  }

  @Test
  void awaitDockerProbesAgainWhenExecItselfFailsWhileTheContainerBoots() {
    execFailures = 1;
    List<String> messages = new ArrayList<>();

    workloads.awaitDocker(ACME, Duration.ofSeconds(10), e -> messages.add(e.message()));

    assertThat(messages).last().isEqualTo("Docker 20.10.24 is ready in acme");
    assertThat(scripts).filteredOn(s -> s.startsWith("docker info")).hasSize(2);
  }

  @Test
  void awaitDockerGivesUpAtTheDeadlineQuotingTheLastFailure() {
    execFailures = Integer.MAX_VALUE;

    assertThatExceptionOfType(OperationFailedException.class)
        .isThrownBy(() -> workloads.awaitDocker(ACME, Duration.ofMillis(1), ProgressListener.NONE))
        .withMessageContaining("Docker did not become ready in org acme within 0 s")
        .satisfies(e -> assertThat(e.backendMessage()).contains("Failed to retrieve PID of executing child process"));
  }

  @Test
  void downWithoutAProjectIsFalse() {
    assertThat(workloads.down(ACME, "marketing")).isFalse();
    workloads.up(ACME, project(), ProgressListener.NONE);
    assertThat(workloads.down(ACME, "marketing")).isTrue();
    assertThat(scripts).last().asString().contains("-p getbot-marketing down");
  }

  @Test
  void deployRunsTheWorkloadBeforeRouting() {
    InMemoryIngress ingress = InMemoryIngress.create();
    OrgIsolation isolation = OrgIsolation.builder(provider, ingress, ImageRef.alias("getbot-docker")).build();
    List<String> steps = new ArrayList<>();

    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080).withWorkload(project()),
        e -> steps.add(e.step()));

    assertThat(steps).containsSubsequence("address", "docker", "project", "compose-up", "healthy", "route", "done");
    assertThat(ingress.routes()).hasSize(1);
  }

  @Test
  void aWorkloadForAnotherTeamIsRejected() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> DeployRequest.forEmail("alice@acme.com", "sales", 8080).withWorkload(project()))
        .withMessageContaining("the workload is for team marketing, the request for team sales");
  }
}
