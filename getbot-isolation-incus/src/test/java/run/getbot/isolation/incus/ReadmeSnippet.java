package run.getbot.isolation.incus;

import java.nio.file.Path;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;

/** The main README's Incus snippet, verbatim between the markers; {@link DefaultBridgeIT} runs it. */
final class ReadmeSnippet {

  private ReadmeSnippet() {}

  /** What the snippet produced. */
  record Output(OrgContainer provisioned, String hostname, boolean deleted) {}

  static Output run(Path imageTarball) {
    // --- README snippet start
    try (IncusIsolationProvider incus = IncusIsolationProvider.create()) {    // $INCUS_SOCKET or /var/lib/incus/unix.socket
      incus.ensureBridge(BridgeSpec.DEFAULT);                                 // getbot-br0, 10.199.0.0/24, NAT
      incus.ensurePool(PoolSpec.DEFAULT);                                     // getbot-pool, dir
      ImageRef image = incus.importImage(imageTarball, "getbot-busybox").image();
      OrgName acme = OrgName.fromEmail("alice@acme.com");                    // acme
      OrgContainer c = incus.provision(OrgSpec.of(acme, image));              // RUNNING at 10.199.0.100
      incus.list().forEach(o -> System.out.println(o.name() + " " + o.state() + " " + o.address()));
      ExecResult r = incus.exec(acme, ExecCommand.shell("hostname"));         // r.stdout() is "acme\n"
      boolean deleted = incus.delete(acme);                                   // true
      // --- README snippet end
      return new Output(c, r.stdout(), deleted);
    }
  }
}
