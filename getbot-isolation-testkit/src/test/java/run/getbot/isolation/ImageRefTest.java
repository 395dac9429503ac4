package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URI;
import org.junit.jupiter.api.Test;

class ImageRefTest {

  private static final URI SERVER = URI.create("https://images.linuxcontainers.org");

  @Test
  void aliasAcceptsAPlainName() {
    ImageRef ref = ImageRef.alias("getbot-busybox");
    assertThat(ref).isInstanceOf(ImageRef.Alias.class).hasToString("getbot-busybox");
  }

  @Test
  void aliasAccepts255CharactersAndRejects256() {
    assertThat(ImageRef.alias("a".repeat(255))).isNotNull();
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.alias("a".repeat(256)))
        .withMessage("image alias must be 1–255 characters");
  }

  @Test
  void aliasRejectsEmptyWithInvalidSpecException() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.alias(""))
        .withMessage("image alias must be 1–255 characters");
  }

  @Test
  void aliasRejectsSlashColonAndWhitespace() {
    for (String name : new String[] {"debian/12", "images:debian", "my image", "em\u2003space"}) {
      assertThatExceptionOfType(InvalidSpecException.class).as(name).isThrownBy(() -> ImageRef.alias(name))
          .withMessageContaining("must not contain '/', ':' or whitespace");
    }
  }

  @Test
  void aliasRejectsControlCharacters() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.alias("busy\nbox"))
        .withMessageContaining("image alias contains a control character (U+000A) at index 4");
  }

  @Test
  void fingerprintAccepts12And64LowerCaseHexDigits() {
    assertThat(ImageRef.fingerprint("0123456789ab")).isInstanceOf(ImageRef.Fingerprint.class)
        .hasToString("0123456789ab");
    assertThat(ImageRef.fingerprint("a".repeat(64))).hasToString("a".repeat(64));
  }

  @Test
  void fingerprintRejectsTooShortTooLongUpperCaseAndNonHex() {
    for (String digits : new String[] {"0123456789a", "a".repeat(65), "0123456789AB", "0123456789ag", ""}) {
      assertThatExceptionOfType(InvalidSpecException.class).as(digits).isThrownBy(() -> ImageRef.fingerprint(digits))
          .withMessageContaining("must be 12–64 lower-case hex digits");
    }
  }

  @Test
  void remoteAcceptsAnHttpsServerAndAnAliasWithSlash() {
    ImageRef ref = ImageRef.remote(SERVER, "debian/12");
    assertThat(ref).isInstanceOf(ImageRef.Remote.class)
        .hasToString("https://images.linuxcontainers.org debian/12");
    assertThat(((ImageRef.Remote) ref).alias()).isEqualTo("debian/12");
  }

  @Test
  void remoteRejectsANonHttpsServer() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> ImageRef.remote(URI.create("http://images.example"), "debian/12"))
        .withMessageContaining("'http://images.example' must be an https URL");
  }

  @Test
  void remoteRejectsAServerWithoutHost() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> ImageRef.remote(URI.create("https:///path"), "debian/12"))
        .withMessageContaining("must be an https URL");
  }

  @Test
  void remoteRejectsAnEmptyOrBlankAlias() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.remote(SERVER, ""))
        .withMessageContaining("must be 1–255 characters without whitespace");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.remote(SERVER, "debian 12"))
        .withMessageContaining("must be 1–255 characters without whitespace");
  }

  @Test
  void remoteRejectsControlCharactersInTheAlias() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ImageRef.remote(SERVER, "debian\r\n12"))
        .withMessageContaining("contains a control character (U+000D)");
  }
}
