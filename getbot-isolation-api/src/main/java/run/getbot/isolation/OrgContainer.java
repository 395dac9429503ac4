package run.getbot.isolation;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable snapshot of one org's container as the backend reported it.
 *
 * @param name the org, which is the container's name
 * @param state run state
 * @param address the static IPv4 address reserved for the container on its bridge
 * @param ipv4 the IPv4 address configured on {@code eth0} right now; empty while stopped or before the guest has
 *     brought its network up
 * @param type container or virtual machine
 * @param snapshotCount number of snapshots
 * @param limits the limits in force
 * @param flags the security settings in force
 * @param labels the labels set through {@link OrgSpec#labels()}
 */
public record OrgContainer(OrgName name, OrgState state, Ipv4Address address, Optional<Ipv4Address> ipv4,
                           InstanceType type, int snapshotCount, ResourceLimits limits, SecurityFlags flags,
                           Map<String, String> labels) {

  /** Checks presence and copies the labels. */
  public OrgContainer {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(ipv4, "ipv4");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(flags, "flags");
    labels = Labels.copyOf(labels);
    if (snapshotCount < 0) {
      throw new IllegalArgumentException("snapshotCount < 0: " + snapshotCount);
    }
  }

  /** True when {@link #state()} is {@link OrgState#RUNNING}. */
  public boolean isRunning() {
    return state == OrgState.RUNNING;
  }
}
