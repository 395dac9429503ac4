package run.getbot.isolation.examples;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Map;
import run.getbot.isolation.ComposeProject;
import run.getbot.isolation.DeployRequest;
import run.getbot.isolation.Deployment;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.OrgIsolation;
import run.getbot.isolation.OrgName;

/**
 * The whole lifecycle for one email and team: deploy with progress, list as {@code incus list} does, exec inside, a
 * request through the route, undeploy, list again (empty). {@link #runDocker} does the same with the agent as a
 * Compose project in the org container's own Docker.
 */
final class Demo {

  private final Backends backends;
  private final PrintStream out;
  private final OrgIsolation isolation;

  Demo(Backends backends, PrintStream out) {
    this.backends = backends;
    this.out = out;
    this.isolation = backends.isolation();
  }

  /** Runs the lifecycle for {@code email}'s {@code team}, whose agent listens on {@code port}. */
  void run(String email, String team, int port) {
    IsolationProvider provider = backends.provider();
    Deployment deployment = deploy(DeployRequest.forEmail(email, team, port), email + " team " + team);

    provider.pushFile(deployment.org(), "/etc/motd",
        ("welcome to " + deployment.org() + "\n").getBytes(StandardCharsets.UTF_8), FileAttributes.DEFAULT);
    exec(deployment.org(), ExecCommand.shell("cat /etc/motd; hostname"));

    requestAndUndeploy(deployment);
  }

  /**
   * Runs the lifecycle with a workload: a busybox image built on this host ({@link BusyboxWorkload}) is imported into
   * the org container's Docker and run by Compose, with a random secret in its {@code .env}; the route goes to the
   * service once it is healthy. Needs real Incus and the Docker image.
   */
  void runDocker(String email, String team, int port) {
    backends.requireDocker("demo --docker");
    Path dir = null;
    try {
      dir = Files.createTempDirectory("getbot-demo");
      Path rootfs = BusyboxWorkload.rootfs(BusyboxWorkload.HOST_BUSYBOX, dir);
      out.println("== built " + BusyboxWorkload.IMAGE + " from " + BusyboxWorkload.HOST_BUSYBOX + " ("
          + Files.size(rootfs) + " bytes of rootfs tarball)");
      byte[] random = new byte[12];
      new SecureRandom().nextBytes(random);
      String secret = HexFormat.of().formatHex(random);
      ComposeProject project = BusyboxWorkload.project(team, port, rootfs, Map.of("AGENT_TOKEN", secret));

      Deployment deployment = deploy(DeployRequest.forEmail(email, team, port).withWorkload(project), email
          + " team " + team + " as a Compose project (a random AGENT_TOKEN in its .env, masked in any output)");
      exec(deployment.org(), BusyboxWorkload.hello());
      exec(deployment.org(), BusyboxWorkload.status(project));

      requestAndUndeploy(deployment);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot build the busybox image in " + dir, e);
    } finally {
      deleteQuietly(dir);
    }
  }

  private Deployment deploy(DeployRequest request, String heading) {
    out.println("== deploy " + heading);
    Deployment deployment = isolation.deploy(request,
        event -> out.println("   [" + event.step() + "] " + event.message()));
    out.println("== " + deployment.org() + " is up at " + deployment.address() + ", served at " + deployment.url());
    out.print(OrgTable.render(backends.provider().list()));
    return deployment;
  }

  private void exec(OrgName org, ExecCommand command) {
    ExecResult result = backends.provider().exec(org, command);
    out.println("== exec in " + org + ": " + command.argv().get(command.argv().size() - 1) + " -> exit "
        + result.exitCode());
    (result.stdout() + result.stderr()).lines().forEach(line -> out.println("   " + line));
  }

  private void requestAndUndeploy(Deployment deployment) {
    out.println("== request through the route");
    out.println("   " + backends.request(deployment.route()));

    isolation.undeploy(deployment.org());
    out.println("== undeployed " + deployment.org() + "; routes left: " + backends.ingress().routes().size());
    out.print(OrgTable.render(backends.provider().list()));
  }

  private static void deleteQuietly(Path dir) {
    if (dir == null) {
      return;
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // a temp dir: the OS cleans it eventually
    }
  }
}
