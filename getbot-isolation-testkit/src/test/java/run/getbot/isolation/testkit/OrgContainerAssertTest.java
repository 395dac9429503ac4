package run.getbot.isolation.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.getbot.isolation.testkit.IsolationAssertions.assertThat;

import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.SecurityFlags;

/** {@link OrgContainerAssert} passes on matching containers and names the difference otherwise. */
class OrgContainerAssertTest {

  private static final Ipv4Address IP = Ipv4Address.parse("10.199.0.100");

  private static OrgContainer container(OrgState state, Optional<Ipv4Address> ipv4) {
    return new OrgContainer(OrgName.of("acme"), state, IP, ipv4, InstanceType.CONTAINER, 0, ResourceLimits.DEFAULT,
        SecurityFlags.DOCKER, Map.of("team", "marketing"));
  }

  private static final OrgContainer RUNNING = container(OrgState.RUNNING, Optional.of(IP));
  private static final OrgContainer STOPPED = container(OrgState.STOPPED, Optional.empty());

  @Test
  void matchingContainerPassesEveryAssertion() {
    assertThat(RUNNING).isRunning().hasAddress("10.199.0.100").hasAddress(IP).hasIpv4InBridge(BridgeSpec.DEFAULT)
        .hasLimits(ResourceLimits.DEFAULT).hasFlags(SecurityFlags.DOCKER).hasLabel("team", "marketing");
    assertThat(STOPPED).isStopped();
  }

  @Test
  void stateMismatchNamesBothStates() {
    assertThatThrownBy(() -> assertThat(STOPPED).isRunning()).isInstanceOf(AssertionError.class)
        .hasMessage("Expected org container acme to be RUNNING but it was STOPPED");
    assertThatThrownBy(() -> assertThat(RUNNING).isStopped())
        .hasMessage("Expected org container acme to be STOPPED but it was RUNNING");
  }

  @Test
  void addressMismatchNamesBothAddresses() {
    assertThatThrownBy(() -> assertThat(RUNNING).hasAddress("10.199.0.101"))
        .hasMessage("Expected org container acme to have address 10.199.0.101 but it has 10.199.0.100");
  }

  @Test
  void missingIpv4SaysSoWithTheState() {
    assertThatThrownBy(() -> assertThat(STOPPED).hasIpv4InBridge(BridgeSpec.DEFAULT))
        .hasMessage("Expected org container acme to have an IPv4 address in bridge getbot-br0 (10.199.0.0/24, orgs"
            + " from 10.199.0.100) but it has none (state STOPPED)");
  }

  @Test
  void ipv4OutsideTheBridgesOrgRangeIsNamed() {
    BridgeSpec other = BridgeSpec.of("other-br", "10.50.0.0/24");
    assertThatThrownBy(() -> assertThat(RUNNING).hasIpv4InBridge(other))
        .hasMessageContaining("in bridge other-br (10.50.0.0/24, orgs from 10.50.0.100, gateway 10.50.0.1)")
        .hasMessageEndingWith("but it has 10.199.0.100");
    OrgContainer low = new OrgContainer(OrgName.of("acme"), OrgState.RUNNING, IP, Optional.of(IP.plus(-50)),
        InstanceType.CONTAINER, 0, ResourceLimits.DEFAULT, SecurityFlags.DOCKER, Map.of());
    assertThatThrownBy(() -> assertThat(low).hasIpv4InBridge(BridgeSpec.DEFAULT))
        .as("below the first org address").hasMessageEndingWith("but it has 10.199.0.50");
  }

  @Test
  void limitsAndFlagsMismatchShowBoth() {
    ResourceLimits small = ResourceLimits.of(1, MemorySize.mebibytes(256));
    assertThatThrownBy(() -> assertThat(RUNNING).hasLimits(small))
        .hasMessageContaining(small.toString()).hasMessageContaining(ResourceLimits.DEFAULT.toString());
    assertThatThrownBy(() -> assertThat(RUNNING).hasFlags(SecurityFlags.NONE))
        .hasMessageContaining(SecurityFlags.NONE.toString()).hasMessageContaining(SecurityFlags.DOCKER.toString());
  }

  @Test
  void labelMismatchAndAbsenceAreTold() {
    assertThatThrownBy(() -> assertThat(RUNNING).hasLabel("team", "sales"))
        .hasMessage("Expected org container acme to have label team=sales but it is team=marketing");
    assertThatThrownBy(() -> assertThat(RUNNING).hasLabel("owner", "bob"))
        .hasMessage("Expected org container acme to have label owner=bob but it has no label owner;"
            + " its labels are {team=marketing}");
  }

  @Test
  void nullContainerFails() {
    assertThatThrownBy(() -> assertThat((OrgContainer) null).isRunning()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("Expecting actual not to be null");
  }
}
