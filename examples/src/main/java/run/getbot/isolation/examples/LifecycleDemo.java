package run.getbot.isolation.examples;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

/**
 * The whole lifecycle of an org container: derive the org from an email, provision it, list it as {@code incus list}
 * does, run a command inside, delete it. Runs on the in-memory provider, so it needs no daemon.
 */
public final class LifecycleDemo {

  private final IsolationProvider provider;
  private final PrintStream out;

  /** A demo driving {@code provider}, printing to {@code out}. */
  public LifecycleDemo(IsolationProvider provider, PrintStream out) {
    this.provider = provider;
    this.out = out;
  }

  /** Runs the demo on the in-memory provider. */
  public static void main(String[] args) {
    String email = args.length > 0 ? args[0] : "alice@acme.com";
    try (IsolationProvider provider = InMemoryIsolationProvider.create()) {
      out("getbot-isolation lifecycle demo on the in-memory provider (no Incus daemon needed)");
      new LifecycleDemo(provider, System.out).run(email, ImageRef.alias("getbot-busybox"));
    }
  }

  private static void out(String line) {
    System.out.println(line);
  }

  /** Deploys the org of {@code email} from {@code image}, shows it, execs in it, and deletes it. */
  public void run(String email, ImageRef image) {
    OrgName org = OrgName.fromEmail(email);
    out.println("== " + email + " belongs to org '" + org + "'");

    provider.ensureBridge(BridgeSpec.DEFAULT);
    provider.ensurePool(PoolSpec.DEFAULT);
    OrgContainer container = provider.provision(OrgSpec.of(org, image),
        event -> out.println("   [" + event.step() + "] " + event.message()));
    out.println("== provisioned " + org + " at " + container.address() + " with " + container.limits().cpus()
        + " CPUs and " + container.limits().memory() + " of memory");

    out.print(OrgTable.render(provider.list()));

    provider.pushFile(org, "/etc/motd", ("welcome to " + org + "\n").getBytes(StandardCharsets.UTF_8),
        FileAttributes.DEFAULT);
    ExecResult result = provider.exec(org, ExecCommand.shell("cat /etc/motd; hostname"));
    out.println("== exec in " + org + " exited " + result.exitCode() + ":");
    result.stdout().lines().forEach(line -> out.println("   " + line));

    provider.delete(org);
    out.println("== deleted " + org + "; orgs left: " + provider.list().size());
    out.print(OrgTable.render(provider.list()));
  }
}
