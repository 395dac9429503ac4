package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Cgroup limits of an org container.
 *
 * @param cpus number of CPU cores ({@code limits.cpu}), at least 1
 * @param memory memory limit ({@code limits.memory}, hard)
 * @param processes maximum number of processes ({@code limits.processes}); empty means unlimited
 * @param rootDisk size of the root disk; empty means the pool's default. A {@code dir} pool without project quotas
 *     ignores it
 */
public record ResourceLimits(int cpus, MemorySize memory, OptionalInt processes, Optional<MemorySize> rootDisk) {

  /** The product's defaults: 2 CPU cores and 3 GB of memory ({@code 3GB}, as Incus writes it). */
  public static final ResourceLimits DEFAULT =
      new ResourceLimits(2, MemorySize.gigabytes(3), OptionalInt.empty(), Optional.empty());

  /** Validates the limits. */
  public ResourceLimits {
    check(cpus >= 1 && cpus <= 1024, "cpus must be between 1 and 1024, got " + cpus);
    Objects.requireNonNull(memory, "memory");
    Objects.requireNonNull(processes, "processes");
    Objects.requireNonNull(rootDisk, "rootDisk");
    check(processes.isEmpty() || processes.getAsInt() >= 1,
        "processes must be at least 1, got " + processes);
  }

  /** Limits of {@code cpus} cores and {@code memory}, with no process or disk limit. */
  public static ResourceLimits of(int cpus, MemorySize memory) {
    return new ResourceLimits(cpus, memory, OptionalInt.empty(), Optional.empty());
  }

  /** A copy with {@code cpus} cores. */
  public ResourceLimits withCpus(int cpus) {
    return new ResourceLimits(cpus, memory, processes, rootDisk);
  }

  /** A copy with the memory limit {@code memory}. */
  public ResourceLimits withMemory(MemorySize memory) {
    return new ResourceLimits(cpus, memory, processes, rootDisk);
  }

  /** A copy limited to {@code processes} processes. */
  public ResourceLimits withProcesses(int processes) {
    return new ResourceLimits(cpus, memory, OptionalInt.of(processes), rootDisk);
  }

  /** A copy with a root disk of {@code size}. */
  public ResourceLimits withRootDisk(MemorySize size) {
    return new ResourceLimits(cpus, memory, processes, Optional.of(size));
  }
}
