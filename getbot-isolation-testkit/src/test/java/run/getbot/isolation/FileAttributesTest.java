package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class FileAttributesTest {

  @Test
  void defaultIsRootRoot0644() {
    assertThat(FileAttributes.DEFAULT).isEqualTo(FileAttributes.of(0, 0, 0644));
    assertThat(FileAttributes.DEFAULT).hasToString("0:0 0644");
  }

  @Test
  void modeOctalHasFourDigitsWithALeadingZero() {
    assertThat(FileAttributes.of(0, 0, 0644).modeOctal()).isEqualTo("0644");
    assertThat(FileAttributes.of(0, 0, 0640).modeOctal()).isEqualTo("0640");
    assertThat(FileAttributes.of(0, 0, 0755).modeOctal()).isEqualTo("0755");
    assertThat(FileAttributes.of(0, 0, 07).modeOctal()).isEqualTo("0007");
    assertThat(FileAttributes.of(0, 0, 0).modeOctal()).isEqualTo("0000");
    assertThat(FileAttributes.of(0, 0, 04755).modeOctal()).isEqualTo("04755"); // never "4755": Incus reads decimal
    assertThat(FileAttributes.of(0, 0, 07777).modeOctal()).isEqualTo("07777");
  }

  @Test
  void acceptsModeBounds() {
    assertThat(FileAttributes.of(1000, 1000, 0).mode()).isZero();
    assertThat(FileAttributes.of(1000, 1000, 07777).mode()).isEqualTo(07777);
  }

  @Test
  void rejectsAModeAbove07777() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> FileAttributes.of(0, 0, 010000))
        .withMessage("mode must be between 0 and 07777, got 010000");
  }

  @Test
  void rejectsANegativeModeNamingItsValue() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> FileAttributes.of(0, 0, -1))
        .withMessage("mode must be between 0 and 07777, got -01");
  }

  @Test
  void rejectsNegativeIds() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> FileAttributes.of(-1, 0, 0644))
        .withMessage("uid must not be negative, got -1");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> FileAttributes.of(0, -2, 0644))
        .withMessage("gid must not be negative, got -2");
  }
}
