package run.getbot.isolation;

/** Storage pool drivers the SDK supports. */
public enum StorageDriver {
  /** A plain directory on the host; no quotas, works everywhere. */
  DIR;

  /** The driver's name in Incus, e.g. {@code dir}. */
  public String incusName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
