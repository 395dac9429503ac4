package run.getbot.isolation.caddy.internal;

import java.util.Comparator;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import run.getbot.isolation.InvalidSpecException;

/**
 * A Caddy release number, as {@code caddy version} prints it ({@code v2.6.2 h1:...}, {@code 2.7.6},
 * {@code v2.8.0-beta.1}).
 *
 * @param major major version
 * @param minor minor version
 * @param patch patch version
 */
public record CaddyVersion(int major, int minor, int patch) implements Comparable<CaddyVersion> {

  private static final Pattern VERSION = Pattern.compile("^\\s*v?(\\d{1,4})\\.(\\d{1,4})(?:\\.(\\d{1,4}))?.*",
      Pattern.DOTALL);
  private static final Comparator<CaddyVersion> ORDER = Comparator.comparingInt(CaddyVersion::major)
      .thenComparingInt(CaddyVersion::minor).thenComparingInt(CaddyVersion::patch);

  /** The first release with {@code stream_close_delay} on {@code reverse_proxy} (commit 424ae0f42). */
  public static final CaddyVersion STREAM_CLOSE_DELAY = new CaddyVersion(2, 7, 0);

  /** Parses {@code text}; throws {@link InvalidSpecException} when it does not start with a version number. */
  public static CaddyVersion parse(String text) {
    Objects.requireNonNull(text, "text");
    Matcher m = VERSION.matcher(text);
    if (!m.matches()) {
      throw new InvalidSpecException("Caddy version '" + text + "' must look like 2.7.6 or v2.7.6");
    }
    return new CaddyVersion(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        m.group(3) == null ? 0 : Integer.parseInt(m.group(3)));
  }

  /** True when this release has {@code stream_close_delay}, so reloads need not cut WebSockets at once. */
  public boolean supportsStreamCloseDelay() {
    return compareTo(STREAM_CLOSE_DELAY) >= 0;
  }

  @Override
  public int compareTo(CaddyVersion other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return major + "." + minor + "." + patch;
  }
}
