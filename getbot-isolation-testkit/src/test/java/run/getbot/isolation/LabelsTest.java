package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

  @Test
  void copyIsSortedByKey() {
    Map<String, String> in = new LinkedHashMap<>();
    in.put("zeta", "1");
    in.put("alpha", "2");
    in.put("mid.dle_x-y", "3");
    assertThat(Labels.copyOf(in).keySet()).containsExactly("alpha", "mid.dle_x-y", "zeta");
  }

  @Test
  void copyIsImmutable() {
    Map<String, String> copy = Labels.copyOf(Map.of("team", "core"));
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> copy.put("x", "y"));
  }

  @Test
  void copyIsIndependentOfTheSource() {
    Map<String, String> in = new HashMap<>(Map.of("team", "core"));
    Map<String, String> copy = Labels.copyOf(in);
    in.put("team", "changed");
    in.put("other", "x");
    assertThat(copy).containsExactly(Map.entry("team", "core"));
  }

  @Test
  void acceptsAnEmptyValue() {
    assertThat(Labels.copyOf(Map.of("flag", ""))).containsEntry("flag", "");
  }

  @Test
  void acceptsKeysStartingWithADigitAnd63Characters() {
    String key = "9" + "k".repeat(62);
    assertThat(Labels.copyOf(Map.of(key, "v"))).containsKey(key);
  }

  @Test
  void rejectsKeyOf64Characters() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> Labels.copyOf(Map.of("k".repeat(64), "v")))
        .withMessageContaining("must be 1–63 characters of a-z, 0-9, '.', '_' and '-'");
  }

  @Test
  void rejectsUpperCaseEmptyAndPunctuationLeadingKeys() {
    for (String key : new String[] {"Team", "", "-team", ".team", "_team", "te am", "te/am", "té"}) {
      assertThatExceptionOfType(InvalidSpecException.class).as(key)
          .isThrownBy(() -> Labels.copyOf(Map.of(key, "v")))
          .withMessageContaining("label key '" + key + "' must be 1–63 characters");
    }
  }

  @Test
  void rejectsANullKey() {
    Map<String, String> in = new HashMap<>();
    in.put(null, "v");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Labels.copyOf(in))
        .withMessageContaining("label key null");
  }

  @Test
  void rejectsANullValue() {
    Map<String, String> in = new HashMap<>();
    in.put("team", null);
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> Labels.copyOf(in))
        .withMessage("label team has no value");
  }

  @Test
  void acceptsValueOfMaxLengthAndRejectsOneMore() {
    assertThat(Labels.MAX_VALUE_LENGTH).isEqualTo(1024);
    assertThat(Labels.copyOf(Map.of("k", "v".repeat(1024)))).hasSize(1);
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> Labels.copyOf(Map.of("k", "v".repeat(1025))))
        .withMessage("label k is longer than 1024 characters");
  }

  @Test
  void rejectsControlCharactersInAValue() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> Labels.copyOf(Map.of("k", "a\nb")))
        .withMessageContaining("label k contains a control character (U+000A) at index 1");
  }
}
