package run.getbot.isolation;

import java.time.Duration;
import java.util.Objects;

/**
 * What an org container uses right now. All figures are zero while it is stopped.
 *
 * @param cpuTime CPU time consumed since it started
 * @param memoryBytes memory in use
 * @param memoryLimitBytes memory available to it: its {@code limits.memory} while running
 * @param processes number of processes
 */
public record ResourceUsage(Duration cpuTime, long memoryBytes, long memoryLimitBytes, int processes) {

  /** Nothing in use: the figures of a stopped container. */
  public static final ResourceUsage NONE = new ResourceUsage(Duration.ZERO, 0, 0, 0);

  /** Checks the figures are not negative. */
  public ResourceUsage {
    Objects.requireNonNull(cpuTime, "cpuTime");
    if (cpuTime.isNegative() || memoryBytes < 0 || memoryLimitBytes < 0 || processes < 0) {
      throw new IllegalArgumentException("negative usage figure");
    }
  }
}
