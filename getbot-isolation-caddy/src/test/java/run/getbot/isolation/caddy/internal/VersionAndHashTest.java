package run.getbot.isolation.caddy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import run.getbot.isolation.InvalidSpecException;

/** Version parsing, the stream_close_delay decision, and Caddy's FNV-1a ETag. */
class VersionAndHashTest {

  @ParameterizedTest
  @CsvSource({
      "v2.6.2 h1:wKoFIxpmOJLGl3QXoo6PNbYvGW4xLEgo32GPBEjWL8o=, 2.6.2, false",
      "2.6.4, 2.6.4, false",
      "v2.7.0-beta.1, 2.7.0, true",
      "v2.7.6, 2.7.6, true",
      "2.8, 2.8.0, true",
      "v2.11.4, 2.11.4, true",
      "v3.0.0, 3.0.0, true",
  })
  void streamCloseDelayFrom270(String text, String parsed, boolean supported) {
    CaddyVersion version = CaddyVersion.parse(text);
    assertThat(version).hasToString(parsed);
    assertThat(version.supportsStreamCloseDelay()).isEqualTo(supported);
  }

  @Test
  void garbageIsNotAVersion() {
    assertThatThrownBy(() -> CaddyVersion.parse("latest")).isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void aStatedVersionDecidesWithoutAsking() {
    assertThat(CaddyFeatures.streamCloseDelay(Optional.of(CaddyVersion.parse("2.6.2")), null)).isFalse();
    assertThat(CaddyFeatures.streamCloseDelay(Optional.of(CaddyVersion.parse("2.7.0")), null)).isTrue();
  }

  @Test
  void probeAnswersAreReadConservatively() {
    assertThat(CaddyFeatures.interpret(new AdminClient.Reply(200, "{\"result\":{}}"))).isTrue();
    assertThat(CaddyFeatures.interpret(new AdminClient.Reply(400,
        "parsing caddyfile tokens for 'reverse_proxy': unrecognized subdirective stream_close_delay"))).isFalse();
    assertThat(CaddyFeatures.interpret(new AdminClient.Reply(400, "unrecognized config adapter 'caddyfile'")))
        .isFalse();
    assertThat(CaddyFeatures.interpret(new AdminClient.Reply(404, "404 page not found"))).isFalse();
  }

  @Test
  void fnv1a32MatchesGoAndCaddysCapturedETags() {
    assertThat(ETags.fnv1a32(new byte[0])).isEqualTo(0x811c9dc5);
    assertThat(ETags.fnv1a32("a".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xe40c292c);
    assertThat(ETags.fnv1a32("foobar".getBytes(StandardCharsets.UTF_8))).isEqualTo(0xbf9cf968);
    // captured from Caddy 2.6.2 on this machine
    assertThat(ETags.fnvETag("/config/", "{\"admin\":{\"listen\":\"127.0.0.1:2998\"}}\n"))
        .isEqualTo("\"/config/ 4811b1d2\"");
    assertThat(ETags.fnvETag("/config/apps", "null\n")).isEqualTo("\"/config/apps 0e7c22ea\"");
  }

  @Test
  void idsRoundTripAndNeverMatchAnotherServer() {
    Ids ids = new Ids("getbot");
    assertThat(ids.hostOf(ids.host("acme.getbot.run"))).contains("acme.getbot.run");
    assertThat(ids.orgOf(ids.org("acme.getbot.run", "acme"), "acme.getbot.run")).contains("acme");
    assertThat(ids.teamOf(ids.team("acme.getbot.run", "sales"), "acme.getbot.run")).contains("sales");
    assertThat(ids.hostOf("getbot-host:getbot2:acme.getbot.run")).isEmpty();
    assertThat(new Ids("getbot2").hostOf(ids.host("x.test"))).isEmpty();
    assertThat(ids.hostOf("getbot-host:getbot:")).isEmpty();
    assertThat(ids.fallback()).isNotEqualTo(ids.host("fallback"));
  }
}
