package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;

/** Order statistics of a sample of durations in nanoseconds. */
final class Stats {

  private final long[] sorted;

  Stats(long[] samples) {
    if (samples.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    this.sorted = samples.clone();
    Arrays.sort(sorted);
  }

  static Stats of(java.util.Collection<Long> samples) {
    return new Stats(samples.stream().mapToLong(Long::longValue).toArray());
  }

  int count() {
    return sorted.length;
  }

  /** The p-th percentile (0..100), nearest rank. */
  long percentile(double p) {
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /** The median (mean of the two middle samples for an even count). */
  double median() {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0;
  }

  long min() {
    return sorted[0];
  }

  long max() {
    return sorted[sorted.length - 1];
  }

  double mean() {
    double sum = 0;
    for (long s : sorted) {
      sum += s;
    }
    return sum / sorted.length;
  }

  /** Writes n, min, median, p90, max and mean, in milliseconds, into {@code node}. */
  ObjectNode toJsonMillis(ObjectNode node) {
    node.put("n", count());
    node.put("min_ms", ms(min()));
    node.put("median_ms", ms(median()));
    node.put("p90_ms", ms(percentile(90)));
    node.put("max_ms", ms(max()));
    node.put("mean_ms", ms(mean()));
    return node;
  }

  static double ms(double nanos) {
    return Math.round(nanos / 1_000.0) / 1_000.0;
  }
}
