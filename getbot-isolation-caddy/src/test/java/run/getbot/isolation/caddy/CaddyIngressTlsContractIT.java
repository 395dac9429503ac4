package run.getbot.isolation.caddy;

import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.testkit.IngressContract;

/**
 * The ingress contract again with {@code tls internal}, so every change also maintains the TLS automation policy
 * listing getbot's hosts.
 */
class CaddyIngressTlsContractIT extends IngressContract {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  @Override
  protected Ingress createIngress() {
    return CADDY.ingress().tls(TlsMode.internal()).listen("127.0.0.1:" + CADDY.httpsPort()).build();
  }
}
