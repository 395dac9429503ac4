package run.getbot.isolation.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.ResourceUsage;
import run.getbot.isolation.SecurityFlags;

/**
 * Provisions orgs on a real daemon and checks the result with tools we did not write: the {@code incus} CLI, the
 * daemon's REST answers read with {@code incus query}, {@code bridge -d link}, and an HTTP GET to the container's
 * own httpd (a container this test created; bounded in time).
 */
@RealIncusTest
class IncusCliIT {

  private static IncusIsolationProvider incus;
  private static BridgeSpec bridge;
  private static PoolSpec pool;
  private static ImageRef image;
  private static final List<OrgName> created = new ArrayList<>();

  @BeforeAll
  static void setUp() {
    incus = RealIncus.provider();
    bridge = RealIncus.freshBridge();
    pool = RealIncus.freshPool(bridge);
    incus.ensureBridge(bridge);
    incus.ensurePool(pool);
    image = RealIncus.image();
  }

  @AfterAll
  static void tearDown() {
    if (incus == null) {
      return;
    }
    try {
      for (OrgName org : created) {
        incus.delete(org);
      }
      if (bridge != null) {
        incus.deleteBridge(bridge.name());
      }
      if (pool != null) {
        incus.deletePool(pool.name());
      }
    } finally {
      incus.close();
    }
  }

  private static OrgName newOrg(String prefix) {
    OrgName org = OrgName.of(prefix + "-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36));
    synchronized (created) {
      created.add(org);
    }
    return org;
  }

  private static OrgSpec.Builder spec(OrgName org) {
    return OrgSpec.builder(org, image).bridge(bridge).pool(pool);
  }

  @Test
  void provisionedOrgLooksInTheIncusCliAsTheSeedTableSays() throws Exception {
    OrgName org = newOrg("cli");
    OrgContainer c = incus.provision(spec(org).label("team", "marketing").build());
    String ip = bridge.firstOrgAddress().toString();
    assertThat(c.address()).hasToString(ip);
    assertThat(c.state()).isEqualTo(OrgState.RUNNING);

    // incus list: RUNNING, the static address on eth0 (once the guest's DHCP client has configured it), 0 snapshots
    String expected = org + ",RUNNING," + ip + " (eth0),CONTAINER,0";
    String line = "";
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      line = Cli.incus("list", org.value(), "-f", "csv", "-c", "ns4tS").requireOk("incus list").out().trim();
      if (line.equals(expected)) {
        break;
      }
      Thread.sleep(500);
    }
    assertThat(line).isEqualTo(expected);
    assertThat(incus.find(org)).get().satisfies(found -> {
      assertThat(found.ipv4()).contains(Ipv4Address.parse(ip));
      assertThat(found.labels()).containsEntry("team", "marketing");
      assertThat(found.limits()).isEqualTo(ResourceLimits.DEFAULT);
      assertThat(found.flags()).isEqualTo(SecurityFlags.DOCKER);
    });

    // incus config show: limits and the three security keys; never privileged; no profiles
    String config = Cli.incus("config", "show", org.value()).requireOk("incus config show").out();
    assertThat(config).contains("limits.cpu: \"2\"", "limits.memory: 3GB", "security.nesting: \"true\"",
        "security.syscalls.intercept.mknod: \"true\"", "security.syscalls.intercept.setxattr: \"true\"",
        "user.getbot.managed: \"true\"", "user.getbot.label.team: marketing", "security.port_isolation: \"true\"",
        "ipv4.address: " + ip, "network: " + bridge.name(), "pool: " + pool.name(), "profiles: []");
    assertThat(config).doesNotContain("security.privileged");

    // /state (read by the CLI): memory total is 3 GB, the limit, as the kernel stores it: rounded down to whole
    // 4 KiB pages (3 000 000 000 → 2 999 996 416)
    JsonNode state = run.getbot.isolation.incus.internal.Json.parse(Cli.incus("query",
        "/1.0/instances/" + org + "/state").requireOk("incus query").out().getBytes(StandardCharsets.UTF_8));
    assertThat(state.path("memory").path("total").asLong()).isBetween(3_000_000_000L - 4096, 3_000_000_000L);
    ResourceUsage usage = incus.usage(org);
    assertThat(usage.memoryLimitBytes()).isEqualTo(3_000_000_000L);
    assertThat(usage.processes()).isPositive();
    assertThat(usage.cpuTime()).isPositive();

    // bridge -d link: the NIC's host veth is an isolated port
    String veth = state.path("network").path("eth0").path("host_name").asText();
    assertThat(veth).isNotEmpty();
    String link = Cli.run(List.of("bridge", "-d", "link", "show", "dev", veth)).requireOk("bridge link").out();
    assertThat(link).contains("isolated on");

    // the container's own httpd answers on its address (a container this test created)
    HttpURLConnection http = (HttpURLConnection) URI.create("http://" + ip + ":8080/").toURL().openConnection();
    http.setConnectTimeout(5000);
    http.setReadTimeout(5000);
    try (InputStream in = http.getInputStream()) {
      assertThat(http.getResponseCode()).isEqualTo(200);
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).contains(org.value());
    } finally {
      http.disconnect();
    }

    assertThat(incus.delete(org)).isTrue();
    assertThat(Cli.incus("list", org.value(), "-f", "csv", "-c", "n").out().trim()).isEmpty();
    assertThat(incus.delete(org)).isFalse();
  }

  @Test
  void execFilesStopStartAndConvergeInPlace() {
    OrgName org = newOrg("life");
    OrgContainer first = incus.provision(spec(org).build());

    ExecResult r = incus.exec(org, ExecCommand.shell("echo out-$FOO; pwd; echo err >&2; exit 3")
        .withEnv("FOO", "bar").withCwd("/tmp"));
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.stdout()).isEqualTo("out-bar\n/tmp\n");
    assertThat(r.stderr()).isEqualTo("err\n");
    assertThat(incus.exec(org, ExecCommand.of("no-such-program")).exitCode()).isEqualTo(127);
    // the recorded output files were deleted
    assertThat(Cli.incus("query", "/1.0/instances/" + org + "/logs/exec-output").requireOk("query").out())
        .doesNotContain("exec_");

    incus.pushFile(org, "/tmp/hello.txt", "hello\n".getBytes(StandardCharsets.UTF_8), FileAttributes.of(1000, 1000,
        0640));
    FileContent f = incus.pullFile(org, "/tmp/hello.txt");
    assertThat(f.utf8()).isEqualTo("hello\n");
    assertThat(f.attributes()).isEqualTo(FileAttributes.of(1000, 1000, 0640));
    assertThat(Cli.incus("exec", org.value(), "--", "stat", "-c", "%u:%g %a", "/tmp/hello.txt").out().trim())
        .isEqualTo("1000:1000 640");
    assertThatThrownBy(() -> incus.pullFile(org, "/tmp/missing")).isInstanceOf(NotFoundException.class);

    long t0 = System.nanoTime();
    assertThat(incus.stop(org).state()).isEqualTo(OrgState.STOPPED);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10)); // graceful, not timed out
    assertThat(incus.usage(org)).isEqualTo(ResourceUsage.NONE);
    assertThatThrownBy(() -> incus.exec(org, ExecCommand.of("true"))).isInstanceOf(ConflictException.class);
    // files work on a stopped container too
    assertThat(incus.pullFile(org, "/tmp/hello.txt").utf8()).isEqualTo("hello\n");

    // converge: new limits, flags and labels in place; started; same address; never recreated
    String uuid = Cli.incus("config", "get", org.value(), "volatile.uuid").out().trim();
    ResourceLimits limits = ResourceLimits.of(1, MemorySize.mebibytes(512)).withProcesses(200);
    OrgContainer again = incus.provision(spec(org).limits(limits).flags(new SecurityFlags(true, false, false))
        .label("plan", "pro").build());
    assertThat(again.state()).isEqualTo(OrgState.RUNNING);
    assertThat(again.address()).isEqualTo(first.address());
    assertThat(again.limits()).isEqualTo(limits);
    assertThat(again.flags()).isEqualTo(new SecurityFlags(true, false, false));
    assertThat(again.labels()).containsExactlyEntriesOf(java.util.Map.of("plan", "pro"));
    assertThat(Cli.incus("config", "get", org.value(), "volatile.uuid").out().trim()).isEqualTo(uuid);
    String config = Cli.incus("config", "show", org.value()).out();
    assertThat(config).contains("limits.cpu: \"1\"", "limits.memory: 512MiB", "limits.processes: \"200\"",
        "security.syscalls.intercept.mknod: \"false\"", "description: getbot org " + org);

    // converge back to the defaults removes limits.processes
    OrgContainer back = incus.provision(spec(org).build());
    assertThat(back.limits()).isEqualTo(ResourceLimits.DEFAULT);
    assertThat(Cli.incus("config", "show", org.value()).out()).doesNotContain("limits.processes");

    assertThat(incus.restart(org).state()).isEqualTo(OrgState.RUNNING);
    assertThat(incus.delete(org)).isTrue();
  }

  @Test
  void unmanagedInstancesAreInvisibleAndUntouched() {
    String name = "foreign-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    Cli.incus("create", "--empty", name, "--no-profiles", "-s", pool.name()).requireOk("incus create");
    try {
      OrgName org = OrgName.of(name);
      assertThat(incus.find(org)).isEmpty();
      assertThat(incus.list()).extracting(OrgContainer::name).doesNotContain(org);
      assertThatThrownBy(() -> incus.provision(spec(org).build())).isInstanceOf(ConflictException.class);
      assertThatThrownBy(() -> incus.start(org)).isInstanceOf(NotFoundException.class);
      assertThat(incus.delete(org)).isFalse();
      assertThat(Cli.incus("list", name, "-f", "csv", "-c", "n").out().trim()).isEqualTo(name);
    } finally {
      Cli.incus("delete", "--force", name);
    }
  }

  @Test
  void addressesStayUniqueUnderConcurrentCallersInThisAndAnotherProcess(@TempDir Path dir) throws Exception {
    // A second provider through a symlink to the same socket shares no JVM lock with the first: it races like
    // another process would, and only the daemon's start-time check keeps addresses unique.
    Path link = Files.createSymbolicLink(dir.resolve("incus.sock"), RealIncus.socket());
    try (IncusIsolationProvider other = IncusIsolationProvider.builder().socket(link)
        .stopGracePeriod(Duration.ofSeconds(10)).build()) {
      List<OrgName> orgs = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        orgs.add(newOrg("par" + i));
      }
      ExecutorService pool6 = Executors.newFixedThreadPool(orgs.size());
      try {
        List<Future<OrgContainer>> futures = new ArrayList<>();
        for (int i = 0; i < orgs.size(); i++) {
          IncusIsolationProvider p = i % 2 == 0 ? incus : other;
          OrgName org = orgs.get(i);
          futures.add(pool6.submit(() -> p.provision(spec(org).build())));
        }
        List<Ipv4Address> addresses = new ArrayList<>();
        for (Future<OrgContainer> f : futures) {
          OrgContainer c = f.get();
          assertThat(c.state()).isEqualTo(OrgState.RUNNING);
          addresses.add(c.address());
        }
        assertThat(addresses).doesNotHaveDuplicates().allSatisfy(a -> assertThat(bridge.isOrgAddress(a)).isTrue());
      } finally {
        pool6.shutdownNow();
        for (OrgName org : orgs) {
          incus.delete(org);
        }
      }
    } finally {
      Files.deleteIfExists(link);
    }
  }

  @Test
  void aStaticAddressHeldByAForeignInstanceIsSkipped() {
    String name = "holder-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    Ipv4Address taken = bridge.firstOrgAddress().plus(50);
    Cli.incus("create", "--empty", name, "--no-profiles", "-s", pool.name(), "-n", bridge.name(), "-d",
        "eth0,ipv4.address=" + taken).requireOk("incus create");
    try {
      // fill up to the foreign address's neighbour and check it is skipped: ask for a bridge whose org range starts
      // at the foreign address
      BridgeSpec fromTaken = new BridgeSpec(bridge.name(), bridge.subnet(), bridge.gateway(), bridge.nat(), taken);
      OrgName org = newOrg("skip");
      OrgContainer c = incus.provision(OrgSpec.builder(org, image).bridge(fromTaken).pool(pool).build());
      assertThat(c.address()).isEqualTo(taken.plus(1));
      assertThat(incus.delete(org)).isTrue();
    } finally {
      Cli.incus("delete", "--force", name);
    }
  }

  @Test
  void bridgeAndPoolAreNeverRewritten() {
    assertThat(incus.ensureBridge(bridge)).isEqualTo(run.getbot.isolation.Change.UNCHANGED);
    assertThat(incus.ensurePool(pool)).isEqualTo(run.getbot.isolation.Change.UNCHANGED);
    BridgeSpec otherSubnet = BridgeSpec.of(bridge.name(), "10.197.254.0/24");
    assertThatThrownBy(() -> incus.ensureBridge(otherSubnet)).isInstanceOf(ConflictException.class)
        .hasMessageContaining(bridge.gatewayCidr());
    assertThat(Cli.incus("network", "get", bridge.name(), "ipv4.address").out().trim())
        .isEqualTo(bridge.gatewayCidr());
    assertThat(Cli.incus("network", "get", bridge.name(), "ipv6.address").out().trim()).isEqualTo("none");
    PoolSpec elsewhere = PoolSpec.dir(pool.name(), Path.of("/var/tmp/elsewhere"));
    assertThatThrownBy(() -> incus.ensurePool(elsewhere)).isInstanceOf(ConflictException.class);
  }

  @Test
  void anUnknownProjectIsRefusedRatherThanListedAsEmpty() {
    try (IncusIsolationProvider p = IncusIsolationProvider.builder().socket(RealIncus.socket())
        .project("no-such-project-" + ThreadLocalRandom.current().nextInt(1000)).build()) {
      assertThatThrownBy(p::list).isInstanceOf(NotFoundException.class).hasMessageContaining("project");
    }
  }

}
