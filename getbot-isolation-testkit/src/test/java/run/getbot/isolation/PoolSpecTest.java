package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class PoolSpecTest {

  @Test
  void defaultIsADirPoolNamedGetbotPoolAtIncusDefaultPlace() {
    assertThat(PoolSpec.DEFAULT.name()).isEqualTo("getbot-pool");
    assertThat(PoolSpec.DEFAULT.driver()).isEqualTo(StorageDriver.DIR);
    assertThat(PoolSpec.DEFAULT.source()).isEqualTo(Path.of("/var/lib/incus/storage-pools/getbot-pool"));
  }

  @Test
  void dirDriverIsNamedDirInIncus() {
    assertThat(StorageDriver.DIR.incusName()).isEqualTo("dir");
  }

  @Test
  void rejectsARelativeSource() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> PoolSpec.dir("pool", Path.of("var/lib/pool")))
        .withMessageContaining("pool source 'var/lib/pool' must be an absolute, normalized path");
  }

  @Test
  void rejectsANonNormalizedSource() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> PoolSpec.dir("pool", Path.of("/srv/../etc")))
        .withMessageContaining("must be an absolute, normalized path");
  }

  @Test
  void acceptsAnAbsoluteSource() {
    assertThat(PoolSpec.dir("pool", Path.of("/srv/pool")).source()).isEqualTo(Path.of("/srv/pool"));
  }

  @Test
  void rejectsInvalidNames() {
    for (String name : new String[] {"", "Pool", "1pool", "pool-", "po_ol", "a".repeat(64)}) {
      assertThatExceptionOfType(InvalidSpecException.class).as(name).isThrownBy(() -> PoolSpec.dir(name))
          .withMessageContaining("must be 1–63 characters of a-z, 0-9 and '-', starting with a letter");
    }
    assertThat(PoolSpec.dir("a".repeat(63)).name()).hasSize(63);
  }
}
