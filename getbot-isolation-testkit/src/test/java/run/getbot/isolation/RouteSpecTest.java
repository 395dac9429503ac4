package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RouteSpecTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final Upstream UP = Upstream.parse("10.199.0.100:8080");

  @Test
  void forOrgLowerCasesTheHostAndHasNoPrefix() {
    RouteSpec r = RouteSpec.forOrg(ACME, "ACME.GetBot.Run", UP);
    assertThat(r.host()).isEqualTo("acme.getbot.run");
    assertThat(r.pathPrefix()).isEmpty();
    assertThat(r.team()).isEmpty();
    assertThat(r.org()).isEqualTo(ACME);
    assertThat(r.upstream()).isEqualTo(UP);
  }

  @Test
  void forTeamPrefixesTheTeamWithASlash() {
    RouteSpec r = RouteSpec.forTeam(ACME, "acme.getbot.run", "marketing", UP);
    assertThat(r.pathPrefix()).contains("/marketing");
    assertThat(r.team()).contains("marketing");
  }

  @Test
  void keyOfAnOrgRouteIsItsHost() {
    RouteKey key = RouteSpec.forOrg(ACME, "Acme.getbot.run", UP).key();
    assertThat(key).isEqualTo(RouteKey.of("acme.getbot.run"));
    assertThat(key).hasToString("acme.getbot.run");
  }

  @Test
  void keyOfATeamRouteIsHostAndPrefix() {
    RouteKey key = RouteSpec.forTeam(ACME, "acme.getbot.run", "marketing", UP).key();
    assertThat(key).isEqualTo(RouteKey.of("acme.getbot.run", "marketing"));
    assertThat(key).hasToString("acme.getbot.run/marketing");
    assertThat(key).isNotEqualTo(RouteKey.of("acme.getbot.run"));
  }

  @Test
  void acceptsMarketingPrefix() {
    assertThat(new RouteSpec(ACME, "acme.test", Optional.of("/marketing"), UP).team()).contains("marketing");
  }

  @Test
  void acceptsA63CharacterTeamStartingWithADigit() {
    String team = "1" + "t".repeat(62);
    assertThat(RouteSpec.forTeam(ACME, "acme.test", team, UP).team()).contains(team);
  }

  @Test
  void rejectsA64CharacterTeam() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> RouteSpec.forTeam(ACME, "acme.test", "t".repeat(64), UP))
        .withMessageContaining("team name of 1–63 characters");
  }

  @ParameterizedTest
  @ValueSource(strings = {"/Marketing", "/a/b", "/../x", "/", "/with space", "/x\"", "marketing", "/-x", "/x_y",
      "/x\r\nHost: evil", ""})
  void rejectsInvalidPathPrefixes(String prefix) {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new RouteSpec(ACME, "acme.test", Optional.of(prefix), UP))
        .withMessageContaining("path prefix ")
        .withMessageContaining("must be '/' and a team name of 1–63 characters of a-z, 0-9 and '-'");
  }

  @Test
  void rejectsAnUpperCaseTeam() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> RouteSpec.forTeam(ACME, "acme.test", "Marketing", UP))
        .withMessageContaining("path prefix '/Marketing'");
  }

  @Test
  void rejectsATeamWithASlash() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> RouteSpec.forTeam(ACME, "acme.test", "a/b", UP))
        .withMessageContaining("path prefix '/a/b'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"*.acme.test", "acme.test:80", "acme.test/x", "acme..test", "acme.test.", "acme.test\r\nX: y",
      "acme\"}"})
  void rejectsInvalidHosts(String host) {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> RouteSpec.forOrg(ACME, host, UP))
        .withMessageContaining("host '");
  }

  @Test
  void requiresOrgAndUpstream() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> RouteSpec.forOrg(null, "acme.test", UP));
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> RouteSpec.forOrg(ACME, "acme.test", null));
  }
}
