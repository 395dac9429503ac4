package run.getbot.isolation.caddy;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.testkit.IngressContract;

/** The testkit's ingress contract against a real Caddy, getbot's server on plain HTTP. */
class CaddyIngressContractIT extends IngressContract {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  private static final int PORT = freePort();

  @Override
  protected Ingress createIngress() {
    return CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + PORT).build();
  }

  static int freePort() {
    try {
      return CaddyProcess.freePort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
