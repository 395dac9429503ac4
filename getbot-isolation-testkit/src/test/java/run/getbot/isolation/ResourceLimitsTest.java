package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ResourceLimitsTest {

  @Test
  void defaultIsTwoCpus() {
    assertThat(ResourceLimits.DEFAULT.cpus()).isEqualTo(2);
  }

  @Test
  void defaultMemoryFormatsAsExactly3GB() {
    assertThat(ResourceLimits.DEFAULT.memory().format()).isEqualTo("3GB");
    assertThat(ResourceLimits.DEFAULT.memory().bytes()).isEqualTo(3_000_000_000L);
  }

  @Test
  void defaultHasNoProcessOrDiskLimit() {
    assertThat(ResourceLimits.DEFAULT.processes()).isEmpty();
    assertThat(ResourceLimits.DEFAULT.rootDisk()).isEmpty();
  }

  @Test
  void withCpusCopiesAndLeavesTheOriginal() {
    ResourceLimits four = ResourceLimits.DEFAULT.withCpus(4);
    assertThat(four).isEqualTo(new ResourceLimits(4, MemorySize.parse("3GB"), OptionalInt.empty(), Optional.empty()));
    assertThat(ResourceLimits.DEFAULT.cpus()).isEqualTo(2);
  }

  @Test
  void withMemoryCopies() {
    ResourceLimits l = ResourceLimits.DEFAULT.withMemory(MemorySize.parse("512MiB"));
    assertThat(l.memory().format()).isEqualTo("512MiB");
    assertThat(l.cpus()).isEqualTo(2);
    assertThat(ResourceLimits.DEFAULT.memory().format()).isEqualTo("3GB");
  }

  @Test
  void withProcessesCopies() {
    ResourceLimits l = ResourceLimits.DEFAULT.withProcesses(500);
    assertThat(l.processes()).hasValue(500);
    assertThat(l.memory()).isEqualTo(ResourceLimits.DEFAULT.memory());
    assertThat(ResourceLimits.DEFAULT.processes()).isEmpty();
  }

  @Test
  void withRootDiskCopies() {
    ResourceLimits l = ResourceLimits.DEFAULT.withProcesses(10).withRootDisk(MemorySize.parse("10GB"));
    assertThat(l.rootDisk()).contains(MemorySize.parse("10GB"));
    assertThat(l.processes()).hasValue(10);
    assertThat(ResourceLimits.DEFAULT.rootDisk()).isEmpty();
  }

  @Test
  void ofHasNoProcessOrDiskLimit() {
    assertThat(ResourceLimits.of(2, MemorySize.gigabytes(3))).isEqualTo(ResourceLimits.DEFAULT);
  }

  @Test
  void rejectsZeroCpus() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ResourceLimits.DEFAULT.withCpus(0))
        .withMessage("cpus must be between 1 and 1024, got 0");
  }

  @Test
  void rejectsMoreThan1024Cpus() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ResourceLimits.DEFAULT.withCpus(1025))
        .withMessageContaining("got 1025");
    assertThat(ResourceLimits.DEFAULT.withCpus(1024).cpus()).isEqualTo(1024);
    assertThat(ResourceLimits.DEFAULT.withCpus(1).cpus()).isEqualTo(1);
  }

  @Test
  void rejectsZeroProcesses() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ResourceLimits.DEFAULT.withProcesses(0))
        .withMessageContaining("processes must be at least 1");
  }

  @Test
  void rejectsNegativeProcesses() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ResourceLimits.DEFAULT.withProcesses(-1))
        .withMessageContaining("processes must be at least 1");
  }

  @Test
  void rejectsMissingMemory() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> ResourceLimits.DEFAULT.withMemory(null));
  }
}
