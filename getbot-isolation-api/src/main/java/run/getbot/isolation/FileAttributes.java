package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;

/**
 * Owner and permissions of a file inside an org container.
 *
 * @param uid owning user id inside the container
 * @param gid owning group id inside the container
 * @param mode permission bits, {@code 0} to {@code 07777}
 */
public record FileAttributes(int uid, int gid, int mode) {

  /** {@code root:root}, mode {@code 0644}. */
  public static final FileAttributes DEFAULT = new FileAttributes(0, 0, 0644);

  /** Validates the ids and mode. */
  public FileAttributes {
    check(uid >= 0, "uid must not be negative, got " + uid);
    check(gid >= 0, "gid must not be negative, got " + gid);
    check(mode >= 0 && mode <= 07777, "mode must be between 0 and 07777, got "
        + (mode < 0 ? "-0" + Integer.toOctalString(-mode) : "0" + Integer.toOctalString(mode)));
  }

  /** Owned by {@code uid:gid} with {@code mode}. */
  public static FileAttributes of(int uid, int gid, int mode) {
    return new FileAttributes(uid, gid, mode);
  }

  /**
   * The mode in octal with a leading zero, e.g. {@code 0640} or {@code 04755}: Incus reads the mode header with base
   * detection, so without the zero {@code 4755} would be taken as decimal.
   */
  public String modeOctal() {
    return String.format("0%03o", mode);
  }

  @Override
  public String toString() {
    return uid + ":" + gid + " " + modeOctal();
  }
}
