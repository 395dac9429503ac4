package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;

class ContainerPathTest {

  private static void assertRejected(String path, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ContainerPath.check(path))
        .withMessageContaining(messageFragment);
  }

  @Test
  void returnsAnAbsolutePath() {
    assertThat(ContainerPath.check("/etc/hosts")).isEqualTo("/etc/hosts");
    assertThat(ContainerPath.check("/a")).isEqualTo("/a");
    assertThat(ContainerPath.check("/a/.hidden/..dots")).isEqualTo("/a/.hidden/..dots");
  }

  @Test
  void rejectsARelativePath() {
    assertRejected("etc/hosts", "'etc/hosts' must be absolute, below /");
  }

  @Test
  void rejectsTheRootItself() {
    assertRejected("/", "must be absolute, below /");
  }

  @Test
  void rejectsAnEmptyPathWithInvalidSpecException() {
    assertRejected("", "must be absolute, below /");
  }

  @Test
  void rejectsAnEmptySegment() {
    assertRejected("/etc//hosts", "has an empty, '.' or '..' segment");
  }

  @Test
  void rejectsATrailingSlash() {
    assertRejected("/etc/", "has an empty, '.' or '..' segment");
  }

  @Test
  void rejectsADotSegment() {
    assertRejected("/etc/./hosts", "has an empty, '.' or '..' segment");
  }

  @Test
  void rejectsADotDotSegment() {
    assertRejected("/etc/../root/.ssh", "has an empty, '.' or '..' segment");
    assertRejected("/..", "has an empty, '.' or '..' segment");
  }

  @Test
  void rejectsControlCharacters() {
    assertRejected("/etc/ho\nsts", "contains a control character (U+000A) at index 7");
    assertRejected("/etc/\0", "contains a control character (U+0000)");
  }

  @Test
  void accepts4096CharactersAndRejects4097() {
    String max = "/" + "a".repeat(4095);
    assertThat(ContainerPath.check(max)).hasSize(4096);
    assertRejected(max + "b", "path is longer than 4096 characters");
  }
}
