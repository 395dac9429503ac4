package run.getbot.isolation;

/**
 * The Incus security settings an org container runs with. The container always stays unprivileged: there is no flag
 * for {@code security.privileged}, so no caller can ask for one.
 *
 * @param nesting {@code security.nesting}: allows containers inside the container
 * @param interceptMknod {@code security.syscalls.intercept.mknod}: device node creation for Docker's overlay driver
 * @param interceptSetxattr {@code security.syscalls.intercept.setxattr}: extended attributes for image layers
 */
public record SecurityFlags(boolean nesting, boolean interceptMknod, boolean interceptSetxattr) {

  /** What Docker-in-Incus needs, and the default: all three settings on. */
  public static final SecurityFlags DOCKER = new SecurityFlags(true, true, true);

  /** None of the settings: a plain unprivileged container that cannot run Docker. */
  public static final SecurityFlags NONE = new SecurityFlags(false, false, false);
}
