package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.net.URI;
import java.util.Objects;
import run.getbot.isolation.internal.Checks;

/** The image an org container is created from: a local alias or fingerprint, or an alias on a remote server. */
public sealed interface ImageRef permits ImageRef.Alias, ImageRef.Fingerprint, ImageRef.Remote {

  /** A local image alias, such as {@code getbot-busybox}. */
  static ImageRef alias(String name) {
    return new Alias(name);
  }

  /** A local image by fingerprint (a unique prefix of at least 12 hex digits, or all 64). */
  static ImageRef fingerprint(String sha256) {
    return new Fingerprint(sha256);
  }

  /** An alias on a remote simplestreams server, pulled by the daemon when the container is created. */
  static ImageRef remote(URI server, String alias) {
    return new Remote(server, alias);
  }

  /**
   * A local image alias.
   *
   * @param name 1–255 printable characters without {@code /}, {@code :} or whitespace
   */
  record Alias(String name) implements ImageRef {
    /** Validates the name. */
    public Alias {
      checkAlias(name);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * A local image by fingerprint.
   *
   * @param sha256 12 to 64 lower-case hex digits
   */
  record Fingerprint(String sha256) implements ImageRef {
    /** Validates the digits. */
    public Fingerprint {
      Objects.requireNonNull(sha256, "sha256");
      check(sha256.length() >= 12 && sha256.length() <= 64
          && sha256.chars().allMatch(c -> c >= '0' && c <= '9' || c >= 'a' && c <= 'f'),
          "image fingerprint " + quote(sha256) + " must be 12–64 lower-case hex digits");
    }

    @Override
    public String toString() {
      return sha256;
    }
  }

  /**
   * An image alias on a remote simplestreams server.
   *
   * @param server the server's {@code https} URL
   * @param alias the alias on that server, e.g. {@code debian/12}
   */
  record Remote(URI server, String alias) implements ImageRef {
    /** Validates the URL and alias. */
    public Remote {
      Objects.requireNonNull(server, "server");
      check("https".equals(server.getScheme()) && server.getHost() != null,
          "image server " + quote(server.toString()) + " must be an https URL");
      Objects.requireNonNull(alias, "alias");
      Checks.noControl(alias, "image alias");
      check(!alias.isEmpty() && alias.length() <= 255 && alias.chars().noneMatch(Character::isWhitespace),
          "image alias " + quote(alias) + " must be 1–255 characters without whitespace");
    }

    @Override
    public String toString() {
      return server + " " + alias;
    }
  }

  private static void checkAlias(String name) {
    Objects.requireNonNull(name, "name");
    Checks.noControl(name, "image alias");
    check(!name.isEmpty() && name.length() <= 255, "image alias must be 1–255 characters");
    check(name.chars().noneMatch(c -> c == '/' || c == ':' || Character.isWhitespace(c)),
        "image alias " + quote(name) + " must not contain '/', ':' or whitespace");
  }
}
