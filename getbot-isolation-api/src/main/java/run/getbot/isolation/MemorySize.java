package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.List;
import java.util.Objects;

/**
 * An exact number of bytes, written the way Incus writes sizes: {@code 3GB} is 3 000 000 000 bytes, {@code 3GiB} is
 * 3 221 225 472 bytes, and the two are different sizes.
 *
 * @param bytes the size in bytes, at least 1
 */
public record MemorySize(long bytes) implements Comparable<MemorySize> {

  private record Unit(String suffix, long factor) {}

  // Largest first; decimal before binary so that equally short forms prefer the decimal one (3GB, not 2861MiB).
  private static final List<Unit> UNITS = List.of(
      new Unit("EB", 1_000_000_000_000_000_000L), new Unit("EiB", 1L << 60),
      new Unit("PB", 1_000_000_000_000_000L), new Unit("PiB", 1L << 50),
      new Unit("TB", 1_000_000_000_000L), new Unit("TiB", 1L << 40),
      new Unit("GB", 1_000_000_000L), new Unit("GiB", 1L << 30),
      new Unit("MB", 1_000_000L), new Unit("MiB", 1L << 20),
      new Unit("kB", 1_000L), new Unit("KiB", 1L << 10),
      new Unit("B", 1L));

  /** Checks that the size is positive. */
  public MemorySize {
    check(bytes > 0, "a memory size must be positive, got " + bytes + " bytes");
  }

  /** A size of {@code bytes} bytes. */
  public static MemorySize ofBytes(long bytes) {
    return new MemorySize(bytes);
  }

  /** {@code n} decimal gigabytes ({@code n × 10⁹} bytes). */
  public static MemorySize gigabytes(long n) {
    return parse(n + "GB");
  }

  /** {@code n} binary gibibytes ({@code n × 2³⁰} bytes). */
  public static MemorySize gibibytes(long n) {
    return parse(n + "GiB");
  }

  /** {@code n} binary mebibytes ({@code n × 2²⁰} bytes). */
  public static MemorySize mebibytes(long n) {
    return parse(n + "MiB");
  }

  /**
   * Parses an Incus size: a whole number followed by one of {@code B kB MB GB TB PB EB KiB MiB GiB TiB PiB EiB}, or a
   * bare number of bytes.
   */
  public static MemorySize parse(String text) {
    Objects.requireNonNull(text, "text");
    int digits = 0;
    while (digits < text.length() && Character.isDigit(text.charAt(digits)) && text.charAt(digits) < 0x80) {
      digits++;
    }
    check(digits > 0, "memory size " + quote(text) + " must start with a whole number, e.g. 3GB or 512MiB");
    String suffix = text.substring(digits);
    Unit unit = suffix.isEmpty() ? new Unit("", 1) : UNITS.stream().filter(u -> u.suffix.equals(suffix)).findFirst()
        .orElseThrow(() -> new InvalidSpecException("memory size " + quote(text) + " has an unknown unit "
            + quote(suffix) + "; use B, kB, MB, GB, TB, PB, EB, KiB, MiB, GiB, TiB, PiB or EiB"));
    try {
      return new MemorySize(Math.multiplyExact(Long.parseLong(text.substring(0, digits)), unit.factor));
    } catch (ArithmeticException | NumberFormatException e) {
      throw new InvalidSpecException("memory size " + quote(text) + " is too large");
    }
  }

  /** The shortest exact Incus form: {@code 3GB}, {@code 3GiB}, {@code 1500MB}, {@code 123B}. */
  public String format() {
    String best = null;
    for (Unit u : UNITS) {
      if (bytes % u.factor == 0) {
        String candidate = (bytes / u.factor) + u.suffix;
        if (best == null || candidate.length() < best.length()) {
          best = candidate;
        }
      }
    }
    return best;
  }

  @Override
  public int compareTo(MemorySize other) {
    return Long.compare(bytes, other.bytes);
  }

  /** Same as {@link #format()}. */
  @Override
  public String toString() {
    return format();
  }
}
