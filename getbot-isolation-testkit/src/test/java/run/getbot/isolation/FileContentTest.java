package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class FileContentTest {

  private static final FileAttributes ATTRS = FileAttributes.of(1000, 1000, 0600);

  @Test
  void constructorCopiesTheCallersArray() {
    byte[] bytes = "hello".getBytes(StandardCharsets.UTF_8);
    FileContent content = new FileContent(bytes, ATTRS);
    bytes[0] = 'J';
    assertThat(content.utf8()).isEqualTo("hello");
  }

  @Test
  void bytesReturnsAFreshCopy() {
    FileContent content = new FileContent(new byte[] {1, 2, 3}, ATTRS);
    byte[] first = content.bytes();
    first[0] = 99;
    assertThat(content.bytes()).containsExactly(1, 2, 3);
    assertThat(content.bytes()).isNotSameAs(content.bytes());
  }

  @Test
  void utf8DecodesAndSizeCountsBytes() {
    FileContent content = new FileContent("grüß".getBytes(StandardCharsets.UTF_8), ATTRS);
    assertThat(content.utf8()).isEqualTo("grüß");
    assertThat(content.size()).isEqualTo(6);
    assertThat(content.attributes()).isEqualTo(ATTRS);
  }

  @Test
  void equalsComparesContentsAndAttributes() {
    FileContent a = new FileContent(new byte[] {1, 2, 3}, ATTRS);
    FileContent b = new FileContent(new byte[] {1, 2, 3}, FileAttributes.of(1000, 1000, 0600));
    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a).isNotEqualTo(new FileContent(new byte[] {1, 2, 4}, ATTRS));
    assertThat(a).isNotEqualTo(new FileContent(new byte[] {1, 2, 3}, FileAttributes.DEFAULT));
    assertThat(a).isNotEqualTo(new FileContent(new byte[] {1, 2}, ATTRS));
    assertThat(a).isNotEqualTo("not a file");
  }

  @Test
  void toStringShowsSizeAndAttributesButNotContents() {
    FileContent content = new FileContent("password=hunter2".getBytes(StandardCharsets.UTF_8), ATTRS);
    assertThat(content).hasToString("FileContent[16 bytes, 1000:1000 0600]");
  }
}
