package run.getbot.isolation.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import run.getbot.isolation.DeployRequest;
import run.getbot.isolation.Deployment;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.OrgIsolation;

/**
 * The whole lifecycle for one email and team: deploy with progress, list as {@code incus list} does, exec inside, a
 * request through the route, undeploy, list again (empty).
 */
final class Demo {

  private final Backends backends;
  private final PrintStream out;

  Demo(Backends backends, PrintStream out) {
    this.backends = backends;
    this.out = out;
  }

  /** Runs the lifecycle for {@code email}'s {@code team}, whose agent listens on {@code port}. */
  void run(String email, String team, int port) {
    IsolationProvider provider = backends.provider();
    OrgIsolation isolation = backends.isolation();

    out.println("== deploy " + email + " team " + team);
    Deployment deployment = isolation.deploy(DeployRequest.forEmail(email, team, port),
        event -> out.println("   [" + event.step() + "] " + event.message()));
    out.println("== " + deployment.org() + " is up at " + deployment.address() + ", served at " + deployment.url());

    out.print(OrgTable.render(provider.list()));

    provider.pushFile(deployment.org(), "/etc/motd",
        ("welcome to " + deployment.org() + "\n").getBytes(StandardCharsets.UTF_8), FileAttributes.DEFAULT);
    ExecResult result = provider.exec(deployment.org(), ExecCommand.shell("cat /etc/motd; hostname"));
    out.println("== exec in " + deployment.org() + " exited " + result.exitCode() + ":");
    result.stdout().lines().forEach(line -> out.println("   " + line));

    out.println("== request through the route");
    out.println("   " + backends.request(deployment.route()));

    isolation.undeploy(deployment.org());
    out.println("== undeployed " + deployment.org() + "; routes left: " + backends.ingress().routes().size());
    out.print(OrgTable.render(provider.list()));
  }
}
