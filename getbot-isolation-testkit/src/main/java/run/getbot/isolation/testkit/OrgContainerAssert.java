package run.getbot.isolation.testkit;

import java.util.Objects;
import org.assertj.core.api.AbstractAssert;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.SecurityFlags;

/** AssertJ assertions about an {@link OrgContainer}; get one from {@link IsolationAssertions#assertThat}. */
public final class OrgContainerAssert extends AbstractAssert<OrgContainerAssert, OrgContainer> {

  OrgContainerAssert(OrgContainer actual) {
    super(actual, OrgContainerAssert.class);
  }

  /** Checks that the container is {@link OrgState#RUNNING}. */
  public OrgContainerAssert isRunning() {
    return hasState(OrgState.RUNNING);
  }

  /** Checks that the container is {@link OrgState#STOPPED}. */
  public OrgContainerAssert isStopped() {
    return hasState(OrgState.STOPPED);
  }

  private OrgContainerAssert hasState(OrgState expected) {
    isNotNull();
    if (actual.state() != expected) {
      failWithMessage("Expected org container %s to be %s but it was %s", actual.name(), expected, actual.state());
    }
    return this;
  }

  /** Checks the reserved static address, given as text such as {@code 10.199.0.100}. */
  public OrgContainerAssert hasAddress(String expected) {
    return hasAddress(Ipv4Address.parse(expected));
  }

  /** Checks the reserved static address. */
  public OrgContainerAssert hasAddress(Ipv4Address expected) {
    isNotNull();
    Objects.requireNonNull(expected, "expected");
    if (!actual.address().equals(expected)) {
      failWithMessage("Expected org container %s to have address %s but it has %s", actual.name(), expected,
          actual.address());
    }
    return this;
  }

  /**
   * Checks that an IPv4 address is configured on {@code eth0} and that it is an org address of {@code bridge}: a host
   * address of its subnet, at or above its first org address, not the gateway.
   */
  public OrgContainerAssert hasIpv4InBridge(BridgeSpec bridge) {
    isNotNull();
    Objects.requireNonNull(bridge, "bridge");
    if (actual.ipv4().isEmpty()) {
      failWithMessage("Expected org container %s to have an IPv4 address in bridge %s (%s, orgs from %s) but it has"
          + " none (state %s)", actual.name(), bridge.name(), bridge.subnet(), bridge.firstOrgAddress(), actual.state());
    }
    Ipv4Address ip = actual.ipv4().get();
    if (!bridge.isOrgAddress(ip)) {
      failWithMessage("Expected org container %s to have an IPv4 address in bridge %s (%s, orgs from %s, gateway %s)"
          + " but it has %s", actual.name(), bridge.name(), bridge.subnet(), bridge.firstOrgAddress(),
          bridge.gateway(), ip);
    }
    return this;
  }

  /** Checks the limits in force. */
  public OrgContainerAssert hasLimits(ResourceLimits expected) {
    isNotNull();
    if (!actual.limits().equals(expected)) {
      failWithMessage("Expected org container %s to have limits%n  %s%nbut it has%n  %s", actual.name(), expected,
          actual.limits());
    }
    return this;
  }

  /** Checks the security flags in force. */
  public OrgContainerAssert hasFlags(SecurityFlags expected) {
    isNotNull();
    if (!actual.flags().equals(expected)) {
      failWithMessage("Expected org container %s to have flags%n  %s%nbut it has%n  %s", actual.name(), expected,
          actual.flags());
    }
    return this;
  }

  /** Checks that the label {@code key} has {@code value}. */
  public OrgContainerAssert hasLabel(String key, String value) {
    isNotNull();
    String found = actual.labels().get(key);
    if (found == null) {
      failWithMessage("Expected org container %s to have label %s=%s but it has no label %s; its labels are %s",
          actual.name(), key, value, key, actual.labels());
    } else if (!found.equals(value)) {
      failWithMessage("Expected org container %s to have label %s=%s but it is %s=%s", actual.name(), key, value, key,
          found);
    }
    return this;
  }
}
