package run.getbot.isolation.caddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;
import run.getbot.isolation.caddy.TlsMode;

/** Rendering getbot's server, parsing it back, and converging apps without touching the rest. */
class ConfigLayoutTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final Upstream A = Upstream.parse("10.199.0.100:8080");
  private static final Upstream B = Upstream.parse("10.199.0.101:8080");

  private static ConfigLayout layout(TlsMode tls, boolean strip, Duration delay) {
    return new ConfigLayout(new ConfigLayout.Settings("getbot", List.of(":443"), tls, true, strip, delay));
  }

  private static ConfigLayout plain() {
    return layout(TlsMode.off(), false, Duration.ZERO);
  }

  private static RouteTable table(RouteSpec... routes) {
    RouteTable table = new RouteTable();
    for (RouteSpec route : routes) {
      table.upsert(route);
    }
    return table;
  }

  private static JsonNode json(String text) throws Exception {
    return Json.parse(text.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> ids(JsonNode routes) {
    List<String> ids = new ArrayList<>();
    routes.forEach(r -> ids.add(r.path("@id").asText("(none)")));
    return ids;
  }

  @Test
  void teamRoutesComeBeforeTheOrgRouteInsideTheHostsSubroute() {
    ArrayNode routes = plain().routes(table(RouteSpec.forOrg(ACME, "acme.test", A),
        RouteSpec.forTeam(ACME, "acme.test", "sales", B), RouteSpec.forTeam(ACME, "acme.test", "marketing", B)),
        false);

    assertThat(ids(routes)).containsExactly("getbot-host:getbot:acme.test", "getbot-fallback:getbot");
    JsonNode host = routes.get(0);
    assertThat(host.get("match")).hasToString("[{\"host\":[\"acme.test\"]}]");
    assertThat(host.get("terminal").asBoolean()).isTrue();
    JsonNode subroute = host.at("/handle/0");
    assertThat(subroute.get("@id").asText()).isEqualTo("getbot-org:getbot:acme.test:acme");
    assertThat(ids(subroute.get("routes"))).containsExactly("getbot-team:getbot:acme.test:marketing",
        "getbot-team:getbot:acme.test:sales", "getbot-default:getbot:acme.test");
    assertThat(subroute.at("/routes/0/match")).hasToString("[{\"path\":[\"/marketing\",\"/marketing/*\"]}]");
    assertThat(subroute.at("/routes/0/handle")).hasToString(
        "[{\"handler\":\"reverse_proxy\",\"upstreams\":[{\"dial\":\"10.199.0.101:8080\"}]}]");
    assertThat(routes.get(1).at("/handle/0/status_code").asInt()).isEqualTo(404);
  }

  @Test
  void aHostWithTeamRoutesOnlyAnswers404ForOtherPaths() {
    ArrayNode routes = plain().routes(table(RouteSpec.forTeam(ACME, "acme.test", "sales", B)), false);
    JsonNode inner = routes.at("/0/handle/0/routes");
    assertThat(ids(inner)).containsExactly("getbot-team:getbot:acme.test:sales", "getbot-nodefault:getbot:acme.test");
    assertThat(inner.at("/1/handle/0/status_code").asInt()).isEqualTo(404);
  }

  @Test
  void prefixStrippingAndStreamCloseDelayAreRenderedWhenOn() {
    ConfigLayout layout = layout(TlsMode.off(), true, Duration.ofMinutes(5));
    ArrayNode routes = layout.routes(table(RouteSpec.forTeam(ACME, "acme.test", "sales", B)), true);
    assertThat(routes.at("/0/handle/0/routes/0/handle")).hasToString("[{\"handler\":\"rewrite\","
        + "\"strip_path_prefix\":\"/sales\"},{\"handler\":\"reverse_proxy\",\"upstreams\":[{\"dial\":"
        + "\"10.199.0.101:8080\"}],\"stream_close_delay\":\"300s\"}]");
  }

  @Test
  void streamCloseDelayOnlyWhenCaddySupportsItAndItIsNotZero() {
    assertThat(layout(TlsMode.off(), false, Duration.ofMinutes(5)).usesStreamCloseDelay(true)).isTrue();
    assertThat(layout(TlsMode.off(), false, Duration.ofMinutes(5)).usesStreamCloseDelay(false)).isFalse();
    assertThat(layout(TlsMode.off(), false, Duration.ZERO).usesStreamCloseDelay(true)).isFalse();
    assertThat(ConfigLayout.goDuration(Duration.ofMillis(1500))).isEqualTo("1500ms");
  }

  @Test
  void renderedRoutesParseBackToTheSameRoutes() {
    List<RouteSpec> routes = List.of(RouteSpec.forOrg(ACME, "acme.test", A),
        RouteSpec.forTeam(ACME, "acme.test", "marketing", B), RouteSpec.forOrg(OrgName.of("beta"), "beta.test", B),
        RouteSpec.forTeam(ACME, "www.acme.test", "x", A));
    ConfigLayout layout = layout(TlsMode.internal(), true, Duration.ofSeconds(10));
    JsonNode apps = layout.converge(null, table(routes.toArray(RouteSpec[]::new)), true);
    assertThat(layout.table(apps).routes()).containsExactlyElementsOf(routes);
    assertThat(new ConfigLayout(new ConfigLayout.Settings("other", List.of(":443"), TlsMode.off(), true, false,
        Duration.ZERO)).table(apps).routes()).as("another server name sees nothing").isEmpty();
  }

  @Test
  void foreignAndHandEditedRoutesAreHandledSafely() throws Exception {
    JsonNode routes = json("[{'match':[{'host':['status.test']}],'handle':[{'handler':'static_response'}]},"
        + "{'@id':'getbot-host:getbot:bad..host','handle':[]},"
        + "{'@id':'getbot-host:getbot:noorg.test','handle':[{'handler':'subroute','routes':[]}]},"
        + "{'@id':'getbot-host:getbot:acme.test','handle':[{'handler':'subroute','@id':'getbot-org:getbot:acme.test:acme',"
        + "  'routes':[{'@id':'getbot-team:getbot:acme.test:ops','handle':[{'handler':'reverse_proxy',"
        + "     'upstreams':[{'dial':'10.199.0.100:9000'}]}]},"
        + "   {'@id':'getbot-team:getbot:acme.test:Bad','handle':[{'handler':'reverse_proxy',"
        + "     'upstreams':[{'dial':'10.199.0.100:9000'}]}]},"
        + "   {'@id':'getbot-default:getbot:acme.test','handle':[{'handler':'reverse_proxy','upstreams':[{'dial':'x y'}]}]}]}]},"
        + "{'@id':'getbot-host:getbot:acme.test','handle':[]},"
        + "{'@id':'getbot-fallback:getbot','handle':[]}]");
    RouteTable table = RouteTable.parse(routes, new Ids("getbot"));
    assertThat(table.routes()).containsExactly(RouteSpec.forTeam(ACME, "acme.test", "ops",
        Upstream.parse("10.199.0.100:9000")));
    assertThat(table.foreignRoutes()).hasSize(1);
    ArrayNode rendered = plain().routes(table, false);
    assertThat(ids(rendered)).containsExactly("(none)", "getbot-host:getbot:acme.test", "getbot-fallback:getbot");
    assertThat(rendered.get(0)).isEqualTo(routes.get(0));
  }

  @Test
  void convergeKeepsOtherServersAppsAndServerSettings() throws Exception {
    JsonNode apps = json("{'http':{'http_port':8080,'servers':{'other':{'listen':[':9000']},"
        + "'getbot':{'listen':[':1'],'logs':{'default_logger_name':'x'},'routes':[]}}},"
        + "'tls':{'automation':{'policies':[{'issuers':[{'module':'acme'}]}]}},'pki':{'x':1}}");
    ObjectNode converged = layout(TlsMode.internal(), false, Duration.ZERO)
        .converge(apps, table(RouteSpec.forOrg(ACME, "acme.test", A)), false);

    assertThat(converged.get("pki")).isEqualTo(apps.get("pki"));
    assertThat(converged.at("/http/servers/other")).isEqualTo(apps.at("/http/servers/other"));
    assertThat(converged.at("/http/http_port").asInt()).isEqualTo(8080);
    JsonNode server = converged.at("/http/servers/getbot");
    assertThat(server.get("listen")).hasToString("[\":443\"]");
    assertThat(server.get("logs")).isEqualTo(apps.at("/http/servers/getbot/logs"));
    assertThat(server.get("tls_connection_policies")).hasToString("[{}]");
    assertThat(server.has("automatic_https")).isFalse();
    JsonNode policies = converged.at("/tls/automation/policies");
    assertThat(policies).hasSize(2);
    assertThat(policies.get(0)).hasToString("{\"@id\":\"getbot-tls:getbot\",\"subjects\":[\"acme.test\"],"
        + "\"issuers\":[{\"module\":\"internal\"}]}");
    assertThat(policies.get(1)).as("the catch-all policy stays, after ours").isEqualTo(apps.at(
        "/tls/automation/policies/0"));

    ObjectNode emptied = layout(TlsMode.internal(), false, Duration.ZERO).converge(converged, new RouteTable(), false);
    assertThat(emptied.at("/tls/automation/policies")).hasSize(1);
    assertThat(ConfigWrite.between(List.of("apps"), apps, layout(TlsMode.internal(), false, Duration.ZERO)
        .converge(apps, new RouteTable(), false)).orElseThrow().configPath())
        .as("no policy for no hosts (an empty subjects list would be a catch-all)")
        .isEqualTo("/config/apps/http/servers/getbot");
  }

  @Test
  void ourPolicyIsRemovedWithItsEmptyContainersAndAcmeIssuersCarryTheEmail() throws Exception {
    ConfigLayout acme = layout(TlsMode.acme("ops@getbot.run"), false, Duration.ZERO);
    ObjectNode withHost = acme.converge(null, table(RouteSpec.forOrg(ACME, "acme.test", A)), false);
    assertThat(withHost.at("/tls/automation/policies/0/issuers")).hasToString(
        "[{\"module\":\"acme\",\"email\":\"ops@getbot.run\"},{\"module\":\"zerossl\",\"email\":\"ops@getbot.run\"}]");
    ObjectNode none = acme.converge(withHost, new RouteTable(), false);
    assertThat(none.has("tls")).isFalse();

    ConfigLayout staging = layout(TlsMode.acme("ops@getbot.run",
        java.net.URI.create("https://acme-staging-v02.api.letsencrypt.org/directory")), false, Duration.ZERO);
    assertThat(staging.converge(null, table(RouteSpec.forOrg(ACME, "acme.test", A)), false)
        .at("/tls/automation/policies/0/issuers")).hasToString("[{\"module\":\"acme\",\"email\":\"ops@getbot.run\","
        + "\"ca\":\"https://acme-staging-v02.api.letsencrypt.org/directory\"}]");
  }

  @Test
  void tlsOffDisablesAutomaticHttpsAndRedirectsCanBeTurnedOff() {
    JsonNode off = plain().converge(null, new RouteTable(), false).at("/http/servers/getbot");
    assertThat(off.get("automatic_https")).hasToString("{\"disable\":true}");
    assertThat(off.has("tls_connection_policies")).isFalse();

    ConfigLayout noRedirects = new ConfigLayout(new ConfigLayout.Settings("getbot", List.of(":443"),
        TlsMode.internal(), false, false, Duration.ZERO));
    JsonNode on = noRedirects.converge(off.isNull() ? null : plain().converge(null, new RouteTable(), false),
        new RouteTable(), false).at("/http/servers/getbot");
    assertThat(on.get("automatic_https")).hasToString("{\"disable_redirects\":true}");
  }
}
