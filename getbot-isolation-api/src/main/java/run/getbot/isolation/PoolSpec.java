package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The storage pool holding the org containers' root filesystems.
 *
 * @param name pool name: 1–63 characters of {@code a-z0-9-}, starting with a letter
 * @param driver the storage driver
 * @param source the pool's directory on the host (absolute)
 */
public record PoolSpec(String name, StorageDriver driver, Path source) {

  /** The product's pool: {@code getbot-pool}, {@code dir} driver at {@code /var/lib/incus/storage-pools/getbot-pool}. */
  public static final PoolSpec DEFAULT = dir("getbot-pool");

  /** Validates the name and path. */
  public PoolSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(driver, "driver");
    Objects.requireNonNull(source, "source");
    check(name.matches("[a-z][a-z0-9-]{0,62}") && !name.endsWith("-"),
        "pool name " + quote(name) + " must be 1–63 characters of a-z, 0-9 and '-', starting with a letter");
    check(source.isAbsolute() && source.normalize().equals(source),
        "pool source " + quote(source.toString()) + " must be an absolute, normalized path");
  }

  /** A {@code dir} pool at Incus' default place for it, {@code /var/lib/incus/storage-pools/NAME}. */
  public static PoolSpec dir(String name) {
    return new PoolSpec(name, StorageDriver.DIR, Path.of("/var/lib/incus/storage-pools").resolve(name));
  }

  /** A {@code dir} pool at {@code source}, which must exist and be empty when the pool is created. */
  public static PoolSpec dir(String name, Path source) {
    return new PoolSpec(name, StorageDriver.DIR, source);
  }
}
