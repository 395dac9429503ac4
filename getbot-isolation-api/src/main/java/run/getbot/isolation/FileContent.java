package run.getbot.isolation;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file read from an org container: its bytes and attributes. Immutable; {@link #bytes()} returns a copy.
 */
public final class FileContent {

  private final byte[] bytes;
  private final FileAttributes attributes;

  /** Creates the value; {@code bytes} is copied. */
  public FileContent(byte[] bytes, FileAttributes attributes) {
    this.bytes = Objects.requireNonNull(bytes, "bytes").clone();
    this.attributes = Objects.requireNonNull(attributes, "attributes");
  }

  /** A copy of the file's bytes. */
  public byte[] bytes() {
    return bytes.clone();
  }

  /** The file's bytes decoded as UTF-8. */
  public String utf8() {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /** The file's size in bytes. */
  public int size() {
    return bytes.length;
  }

  /** Owner and mode. */
  public FileAttributes attributes() {
    return attributes;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof FileContent other && Arrays.equals(bytes, other.bytes) && attributes.equals(other.attributes);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + attributes.hashCode();
  }

  @Override
  public String toString() {
    return "FileContent[" + bytes.length + " bytes, " + attributes + "]";
  }
}
