package run.getbot.isolation.caddy.internal;

import java.nio.charset.StandardCharsets;

/**
 * Caddy's config ETags: {@code "<config path> <hash>"}. Caddy 2.5.2–2.7.x hash the exact GET body with FNV-1a 32-bit
 * and (up to 2.7) send the ETag as an HTTP trailer; 2.8+ send it as a header (with another hash). This class computes
 * the FNV-1a form for when a trailer was announced but lost on the way.
 */
public final class ETags {

  private ETags() {}

  /** FNV-1a 32-bit of {@code bytes}, as Go's {@code hash/fnv.New32a}. */
  public static int fnv1a32(byte[] bytes) {
    int hash = 0x811c9dc5;
    for (byte b : bytes) {
      hash ^= b & 0xff;
      hash *= 0x01000193;
    }
    return hash;
  }

  /** The ETag Caddy 2.6 sends for a GET of {@code path} that returned {@code body}, quotes included. */
  public static String fnvETag(String path, byte[] body) {
    return "\"" + path + " " + String.format("%08x", fnv1a32(body)) + "\"";
  }

  /** Convenience for tests: {@link #fnvETag(String, byte[])} of a UTF-8 string. */
  public static String fnvETag(String path, String body) {
    return fnvETag(path, body.getBytes(StandardCharsets.UTF_8));
  }
}
