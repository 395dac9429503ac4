package run.getbot.isolation;

/** The kind of Incus instance. Org containers are {@link #CONTAINER}s. */
public enum InstanceType {
  /** A system container sharing the host kernel. */
  CONTAINER,
  /** A virtual machine. Listed if found, never created by the SDK. */
  VIRTUAL_MACHINE
}
