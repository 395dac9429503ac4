package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.SecurityFlags;

class OrgTableTest {

  private static OrgContainer acme(OrgState state) {
    Ipv4Address ip = Ipv4Address.parse("10.199.0.100");
    return new OrgContainer(OrgName.of("acme"), state, ip,
        state == OrgState.RUNNING ? Optional.of(ip) : Optional.empty(), InstanceType.CONTAINER, 0,
        ResourceLimits.DEFAULT, SecurityFlags.DOCKER, Map.of());
  }

  @Test
  void rendersTheSeedTable() {
    assertThat(OrgTable.render(List.of(acme(OrgState.RUNNING)))).isEqualTo(String.join("\n",
        "+------+---------+---------------------+-----------+-----------+",
        "| NAME |  STATE  |        IPV4         |   TYPE    | SNAPSHOTS |",
        "+------+---------+---------------------+-----------+-----------+",
        "| acme | RUNNING | 10.199.0.100 (eth0) | CONTAINER | 0         |",
        "+------+---------+---------------------+-----------+-----------+",
        ""));
  }

  @Test
  void stoppedContainerHasNoAddressColumn() {
    assertThat(OrgTable.render(List.of(acme(OrgState.STOPPED))))
        .contains("| acme | STOPPED |      | CONTAINER | 0         |");
  }

  @Test
  void emptyListIsHeaderOnly() {
    assertThat(OrgTable.render(List.of()).lines()).hasSize(3);
  }
}
