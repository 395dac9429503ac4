package run.getbot.isolation.caddy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The narrowest single write between two configs. */
class ConfigWriteTest {

  private static JsonNode json(String text) throws Exception {
    return Json.parse(text.replace('\'', '"').getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Test
  void equalConfigsNeedNoWrite() throws Exception {
    assertThat(ConfigWrite.between(List.of("apps"), json("{'a':{'b':[1,2]}}"), json("{'a':{'b':[1,2]}}"))).isEmpty();
  }

  @Test
  void descendsWhileExactlyOneKeyDiffersAndReplacesArraysWhole() throws Exception {
    ConfigWrite write = ConfigWrite.between(List.of("apps"),
        json("{'http':{'servers':{'g':{'listen':[':80'],'routes':[1,2]},'other':{'x':1}}},'tls':{}}"),
        json("{'http':{'servers':{'g':{'listen':[':80'],'routes':[1,3,2]},'other':{'x':1}}},'tls':{}}")).orElseThrow();
    assertThat(write.method()).isEqualTo("PATCH");
    assertThat(write.configPath()).isEqualTo("/config/apps/http/servers/g/routes");
    assertThat(write.body()).hasToString("[1,3,2]");
  }

  @Test
  void twoDifferingKeysAreWrittenAtTheirParent() throws Exception {
    ConfigWrite write = ConfigWrite.between(List.of("apps"),
        json("{'http':{'servers':{'g':{'routes':[1]}}},'tls':{'p':[1]}}"),
        json("{'http':{'servers':{'g':{'routes':[2]}}},'tls':{'p':[2]}}")).orElseThrow();
    assertThat(write.configPath()).isEqualTo("/config/apps");
    assertThat(write.method()).isEqualTo("PATCH");
  }

  @Test
  void aNewKeyIsAPutAndARemovedOneADelete() throws Exception {
    ConfigWrite put = ConfigWrite.between(List.of("apps"), json("{'http':{'servers':{}}}"),
        json("{'http':{'servers':{'g':{'listen':[':80']}}}}")).orElseThrow();
    assertThat(put.method() + " " + put.configPath()).isEqualTo("PUT /config/apps/http/servers/g");
    assertThat(put.body()).hasToString("{\"listen\":[\":80\"]}");

    ConfigWrite delete = ConfigWrite.between(List.of("apps"), json("{'http':{},'tls':{'automation':{}}}"),
        json("{'http':{}}")).orElseThrow();
    assertThat(delete.method() + " " + delete.configPath()).isEqualTo("DELETE /config/apps/tls");
    assertThat(delete.body()).isNull();
  }

  @Test
  void aNullRootIsCreatedWithPut() throws Exception {
    ConfigWrite write = ConfigWrite.betweenRoot(List.of("apps"), json("null"), json("{'http':{}}")).orElseThrow();
    assertThat(write.method() + " " + write.configPath()).isEqualTo("PUT /config/apps");
  }

  @Test
  void numbersRoundTripExactly() throws Exception {
    JsonNode config = json("{'a':1000000000,'b':0.1,'c':1e+21,'d':9007199254740993}");
    assertThat(Json.text(config)).isEqualTo("{\"a\":1000000000,\"b\":0.1,\"c\":1000000000000000000000,"
        + "\"d\":9007199254740993}");
  }
}
