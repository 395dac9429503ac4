package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class ProgressEventTest {

  @Test
  void acceptsZeroAndHundredPercent() {
    assertThat(ProgressEvent.of("image-upload", "starting", 0).percent()).hasValue(0);
    assertThat(ProgressEvent.of("image-upload", "done", 100).percent()).hasValue(100);
  }

  @Test
  void eventWithoutPercentHasNone() {
    ProgressEvent e = ProgressEvent.of("create", "creating acme");
    assertThat(e.percent()).isEmpty();
    assertThat(e.step()).isEqualTo("create");
    assertThat(e.message()).isEqualTo("creating acme");
  }

  @Test
  void rejectsANegativePercent() {
    assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> ProgressEvent.of("s", "m", -1))
        .withMessage("percent out of range: -1");
  }

  @Test
  void rejectsAPercentAboveHundred() {
    assertThatExceptionOfType(IllegalArgumentException.class).isThrownBy(() -> ProgressEvent.of("s", "m", 101))
        .withMessage("percent out of range: 101");
  }

  @Test
  void requiresStepAndMessage() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> ProgressEvent.of(null, "m"));
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> ProgressEvent.of("s", null));
  }
}
