package run.getbot.isolation.caddy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;

/**
 * The admin API over a unix socket: Caddy 2.6.2 allows only an empty {@code Host} there by default, which the ingress
 * sends.
 */
class CaddyIngressUnixSocketIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.unixSocket();

  @Test
  void routesAreWrittenAndReadOverTheSocket() throws Exception {
    int port = CaddyProcess.freePort();
    try (Upstreams upstreams = new Upstreams(); LoopbackHttp web = LoopbackHttp.plain();
        CaddyIngress ingress = CADDY.ingress().tls(TlsMode.off()).listen("127.0.0.1:" + port).build()) {
      Upstream a = upstreams.start("A");
      RouteSpec route = RouteSpec.forOrg(OrgName.of("acme"), "acme.test", a);

      ingress.upsert(route);

      assertThat(ingress.adminAddress()).isEqualTo("unix:" + CADDY.socket());
      assertThat(ingress.routes()).containsExactly(route);
      assertThat(web.get("http://acme.test:" + port + "/hi").body()).isEqualTo("A /hi");
    }
  }
}
