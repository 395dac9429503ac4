package run.getbot.isolation.incus;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;

/**
 * The product's own bridge and pool, exactly: {@link BridgeSpec#DEFAULT} and {@link PoolSpec#DEFAULT}. Org
 * {@code acme} shows in {@code incus list} as the seed's table does. The bridge and pool are left in place afterwards
 * (they are the product's); the org is deleted. Runs only where no instance {@code acme} exists yet and the
 * defaults do not exist with other settings.
 */
@RealIncusTest
class DefaultBridgeIT {

  private static final OrgName ACME = OrgName.of("acme");

  @BeforeEach
  void productBridgeAndPoolAndNoAcme() {
    Assumptions.assumeTrue(acmeLine().isEmpty(), "an instance 'acme' already exists on this daemon");
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      incus.ensureBridge(BridgeSpec.DEFAULT);
      incus.ensurePool(PoolSpec.DEFAULT);
      Assumptions.assumeTrue(Cli.incus("list", "-f", "csv", "-c", "4").out().lines()
          .noneMatch(l -> l.startsWith("10.199.0.100 ")), "10.199.0.100 is taken on getbot-br0");
    } catch (ConflictException e) {
      Assumptions.abort("the product's bridge or pool exists with other settings: " + e.getMessage());
    }
    RealIncus.image();
  }

  private static Optional<String> acmeLine() {
    return Cli.incus("list", "-f", "csv", "-c", "ns4tS").requireOk("incus list").out().lines()
        .filter(l -> l.startsWith("acme,")).findFirst();
  }

  @Test
  void acmeOnTheProductsBridgeIsTheSeedTablesLine() throws InterruptedException {
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      try {
        assertThat(incus.provision(OrgSpec.of(ACME, RealIncus.image())).address()).hasToString("10.199.0.100");
        String expected = "acme,RUNNING,10.199.0.100 (eth0),CONTAINER,0";
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        String line = "";
        while (System.nanoTime() < deadline && !line.equals(expected)) {
          line = acmeLine().orElse("");
          if (!line.equals(expected)) {
            Thread.sleep(500);
          }
        }
        assertThat(line).isEqualTo(expected);
        // the seed table's rendering: | acme | RUNNING | 10.199.0.100 (eth0) | CONTAINER | 0 |
        assertThat(Arrays.asList(line.split(",")))
            .containsExactly("acme", "RUNNING", "10.199.0.100 (eth0)", "CONTAINER", "0");
      } finally {
        incus.delete(ACME);
      }
      assertThat(acmeLine()).isEmpty();
      assertThat(Cli.incus("network", "get", "getbot-br0", "ipv4.address").out().trim()).isEqualTo("10.199.0.1/24");
    }
  }

  @Test
  void theReadmeSnippetRuns() {
    java.io.PrintStream stdout = System.out;
    java.io.ByteArrayOutputStream printed = new java.io.ByteArrayOutputStream();
    ReadmeSnippet.Output out;
    System.setOut(new java.io.PrintStream(printed, true, java.nio.charset.StandardCharsets.UTF_8));
    try {
      out = ReadmeSnippet.run(RealIncus.testImageFile());
    } finally {
      System.setOut(stdout);
    }
    assertThat(printed.toString(java.nio.charset.StandardCharsets.UTF_8)).contains("acme RUNNING 10.199.0.100\n");
    assertThat(out.provisioned().name()).isEqualTo(ACME);
    assertThat(out.provisioned().state()).isEqualTo(OrgState.RUNNING);
    assertThat(out.provisioned().address()).hasToString("10.199.0.100");
    assertThat(out.hostname()).isEqualTo("acme\n");
    assertThat(out.deleted()).isTrue();
    assertThat(acmeLine()).isEmpty();
  }
}
