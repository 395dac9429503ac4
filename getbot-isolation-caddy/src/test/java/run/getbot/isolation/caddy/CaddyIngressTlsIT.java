package run.getbot.isolation.caddy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.UncheckedIOException;
import java.util.List;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;

/** HTTPS through Caddy's internal CA ({@code tls internal}), SNI {@code acme.test} to 127.0.0.1. */
class CaddyIngressTlsIT {

  @RegisterExtension
  static final CaddyProcess CADDY = CaddyProcess.tcp();

  private static final OrgName ACME = OrgName.of("acme");

  @Test
  void httpsThroughTheInternalCaReachesOrgAndTeamUpstreams() throws Exception {
    try (Upstreams upstreams = new Upstreams();
        CaddyIngress ingress = CADDY.ingress().tls(TlsMode.internal())
            .listen("127.0.0.1:" + CADDY.httpsPort()).build()) {
      Upstream a = upstreams.start("A");
      Upstream b = upstreams.start("B");
      ingress.apply(List.of(RouteChange.upsert(RouteSpec.forOrg(ACME, "acme.test", a)),
          RouteChange.upsert(RouteSpec.forTeam(ACME, "acme.test", "marketing", b))));

      JsonNode policy = CADDY.get("/config/apps/tls/automation/policies/0");
      assertThat(policy.get("@id").asText()).isEqualTo("getbot-tls:getbot");
      assertThat(policy.get("subjects")).hasToString("[\"acme.test\"]");
      assertThat(policy.get("issuers")).hasToString("[{\"module\":\"internal\"}]");

      String root = CADDY.get("/pki/ca/local").get("root_certificate").asText();
      try (LoopbackHttp https = LoopbackHttp.trusting(root); LoopbackHttp plain = LoopbackHttp.plain()) {
        String base = "https://acme.test:" + CADDY.httpsPort();
        assertThat(awaitHttps(https, base + "/")).isEqualTo(new LoopbackHttp.Answer(200, "A /"));
        assertThat(https.get(base + "/marketing/q").body()).isEqualTo("B /marketing/q");
        assertThatThrownBy(() -> https.get("https://nobody.test:" + CADDY.httpsPort() + "/"))
            .as("an unknown host has no certificate, so Caddy aborts the handshake (no 404 possible over TLS)")
            .hasRootCauseInstanceOf(SSLException.class);

        LoopbackHttp.Answer redirect = plain.get("http://acme.test:" + CADDY.httpPort() + "/marketing/q");
        assertThat(redirect.status()).as("automatic HTTP->HTTPS redirect").isEqualTo(308);
      }

      ingress.removeOrg(ACME);
      assertThat(CADDY.get("/config/apps").has("tls")).as("policy removed with the last host").isFalse();
    }
  }

  /** The certificate is issued in the background right after the reload: retry the handshake for a while. */
  private static LoopbackHttp.Answer awaitHttps(LoopbackHttp https, String url) throws InterruptedException {
    long deadline = System.nanoTime() + 15_000_000_000L;
    while (true) {
      try {
        return https.get(url);
      } catch (UncheckedIOException e) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("no HTTPS answer from " + url + " within 15 s:\n" + CADDY.log(), e);
        }
        Thread.sleep(100);
      }
    }
  }
}
