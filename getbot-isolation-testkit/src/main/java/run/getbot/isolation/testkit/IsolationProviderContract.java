package run.getbot.isolation.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.Ipv4Network;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.ResourceUsage;
import run.getbot.isolation.SecurityFlags;

/**
 * The behaviour every {@link IsolationProvider} must have, as a JUnit 5 suite: subclass it, implement the hooks, and
 * the tests run against your provider. The in-memory provider and the Incus provider both pass it.
 *
 * <p>The suite is written to run against a real daemon too: it uses only shell features that busybox {@code sh}
 * and the {@link ExecHandler#miniShell() mini shell} share, gives every org and extra bridge or pool a unique name,
 * deletes what it creates, keeps to at most three containers per test, and waits only where the real thing is
 * eventually consistent ({@link #awaitIpv4}). The image must provide busybox-like {@code sh}, {@code echo},
 * {@code cat}, {@code pwd}, {@code id} and {@code hostname}, and the directories {@code /root} and {@code /tmp}.
 */
public abstract class IsolationProviderContract {

  private static final Duration IPV4_TIMEOUT = Duration.ofSeconds(30);
  private static final ResourceLimits SMALL = ResourceLimits.of(1, MemorySize.mebibytes(256));
  private static final FileAttributes USER_0640 = FileAttributes.of(1000, 1000, 0640);

  private IsolationProvider provider;
  private final List<OrgName> orgs = Collections.synchronizedList(new ArrayList<>());

  /** The provider under test; called before each test, and closed after it. */
  protected abstract IsolationProvider createProvider();

  /** An image that exists on the backend. */
  protected abstract ImageRef image();

  /** A bridge the suite may create, use and delete. Extra bridges get subnets next to it. */
  protected abstract BridgeSpec bridge();

  /** A storage pool the suite may create, use and delete. */
  protected abstract PoolSpec pool();

  /** Creates an instance NOT through the SDK, attached to nothing of the suite's. */
  protected abstract void createUnmanagedInstance(String name);

  /** Deletes an instance made by {@link #createUnmanagedInstance}. */
  protected abstract void deleteUnmanagedInstance(String name);

  /** Creates the provider and ensures {@link #bridge()} and {@link #pool()}. */
  @BeforeEach
  public void setUpProviderContract() {
    provider = createProvider();
    provider.ensureBridge(bridge());
    provider.ensurePool(pool());
  }

  /** Deletes every org the test created and closes the provider. */
  @AfterEach
  public void tearDownProviderContract() {
    try {
      List<OrgName> created;
      synchronized (orgs) {
        created = List.copyOf(orgs);
      }
      for (OrgName org : created) {
        try {
          provider.delete(org);
        } catch (NotFoundException ignored) {
          // already gone
        }
      }
    } finally {
      provider.close();
    }
  }

  // ------------------------------------------------------------------------------------------------- helpers

  /** The provider of the current test. */
  protected final IsolationProvider provider() {
    return provider;
  }

  /** A new unique org name ({@code ct} and 8 random characters), deleted after the test. */
  protected final OrgName newOrg() {
    OrgName org = OrgName.of(TestNames.unique("ct", 8));
    orgs.add(org);
    return org;
  }

  /** A spec for {@code org} on the suite's image, bridge and pool, with small limits. */
  protected final OrgSpec.Builder spec(OrgName org) {
    return OrgSpec.builder(org, image()).limits(SMALL).bridge(bridge()).pool(pool());
  }

  private OrgContainer provisionNew() {
    return provider.provision(spec(newOrg()).build());
  }

  /**
   * Polls {@link IsolationProvider#find} until the org's {@link OrgContainer#ipv4()} is present, for at most 30 s: a
   * real guest configures {@code eth0} a moment after it starts.
   */
  protected final OrgContainer awaitIpv4(OrgName org) {
    long deadline = System.nanoTime() + IPV4_TIMEOUT.toNanos();
    while (true) {
      OrgContainer container = provider.find(org).orElseThrow(() -> new AssertionError("org " + org + " vanished"));
      if (container.ipv4().isPresent()) {
        return container;
      }
      if (System.nanoTime() > deadline) {
        fail("org " + org + " has no IPv4 address on eth0 after " + IPV4_TIMEOUT.toSeconds() + " s: " + container);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
  }

  /** A bridge with a unique name on a subnet {@code offset} blocks after {@link #bridge()}'s, same size. */
  private BridgeSpec extraBridge() {
    Ipv4Network base = bridge().subnet();
    int size = 1 << (32 - base.prefixLength());
    int offset = 1 + ThreadLocalRandom.current().nextInt(50);
    Ipv4Network net = new Ipv4Network(base.address().plus(offset * size), base.prefixLength());
    return BridgeSpec.of(TestNames.unique("gbt", 8), net.toString());
  }

  private static PoolSpec extraPool() {
    return PoolSpec.dir(TestNames.unique("gbt-pool-", 8));
  }

  /** Runs {@code body} with an extra bridge, then deletes the given orgs and the bridge. */
  private void withBridge(BridgeSpec bridge, Consumer<BridgeSpec> body) {
    assertEquals(Change.CREATED, provider.ensureBridge(bridge));
    try {
      body.accept(bridge);
    } finally {
      deleteOrgsOn(() -> provider.deleteBridge(bridge.name()));
    }
  }

  private void withPool(PoolSpec pool, Consumer<PoolSpec> body) {
    assertEquals(Change.CREATED, provider.ensurePool(pool));
    try {
      body.accept(pool);
    } finally {
      deleteOrgsOn(() -> provider.deletePool(pool.name()));
    }
  }

  /** Deletes the test's orgs, then runs {@code cleanup} (which may need them gone). */
  private void deleteOrgsOn(Runnable cleanup) {
    List<OrgName> created;
    synchronized (orgs) {
      created = List.copyOf(orgs);
    }
    created.forEach(provider::delete);
    cleanup.run();
  }

  private static Ipv4Address lowestFree(BridgeSpec bridge, Set<Ipv4Address> taken) {
    for (Ipv4Address ip = bridge.firstOrgAddress(); bridge.subnet().isHost(ip); ip = ip.plus(1)) {
      if (bridge.isOrgAddress(ip) && !taken.contains(ip)) {
        return ip;
      }
    }
    throw new AssertionError("bridge " + bridge.name() + " is full");
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private ExecResult sh(OrgName org, String script) {
    return provider.exec(org, ExecCommand.shell(script));
  }

  private static void assertExec(ExecResult result, int exitCode, String stdout, String stderr) {
    assertEquals(exitCode, result.exitCode(), () -> "exit code of " + result);
    assertEquals(stdout, result.stdout(), () -> "stdout of " + result);
    assertEquals(stderr, result.stderr(), () -> "stderr of " + result);
  }

  // --------------------------------------------------------------------------------------- bridges and pools

  @Test
  void ensureBridgeIsIdempotent() {
    assertEquals(Change.UNCHANGED, provider.ensureBridge(bridge()));
    assertEquals(Change.UNCHANGED, provider.ensureBridge(bridge()));
  }

  @Test
  void ensureBridgeCreatesAndDeleteBridgeRemoves() {
    BridgeSpec extra = extraBridge();
    try {
      assertEquals(Change.CREATED, provider.ensureBridge(extra));
      assertEquals(Change.UNCHANGED, provider.ensureBridge(extra));
      assertTrue(provider.deleteBridge(extra.name()));
      assertFalse(provider.deleteBridge(extra.name()));
      assertEquals(Change.CREATED, provider.ensureBridge(extra));
    } finally {
      provider.deleteBridge(extra.name());
    }
  }

  @Test
  void ensureBridgeWithOtherSubnetIsAConflict() {
    BridgeSpec moved = BridgeSpec.of(bridge().name(), extraBridge().subnet().toString());
    ConflictException e = assertThrows(ConflictException.class, () -> provider.ensureBridge(moved));
    assertTrue(e.getMessage().contains(bridge().subnet().toString()) && e.getMessage().contains(
        moved.subnet().toString()), () -> "the message should name both subnets: " + e.getMessage());
    assertEquals(Change.UNCHANGED, provider.ensureBridge(bridge()), "the bridge must be left as it was");
  }

  @Test
  void ensureBridgeWithOtherNatIsAConflict() {
    BridgeSpec b = bridge();
    BridgeSpec flipped = new BridgeSpec(b.name(), b.subnet(), b.gateway(), !b.nat(), b.firstOrgAddress());
    assertThrows(ConflictException.class, () -> provider.ensureBridge(flipped));
    assertEquals(Change.UNCHANGED, provider.ensureBridge(b));
  }

  @Test
  void ensurePoolIsIdempotent() {
    assertEquals(Change.UNCHANGED, provider.ensurePool(pool()));
    assertEquals(Change.UNCHANGED, provider.ensurePool(pool()));
  }

  @Test
  void ensurePoolCreatesAndDeletePoolRemoves() {
    PoolSpec extra = extraPool();
    try {
      assertEquals(Change.CREATED, provider.ensurePool(extra));
      assertEquals(Change.UNCHANGED, provider.ensurePool(extra));
      assertTrue(provider.deletePool(extra.name()));
      assertFalse(provider.deletePool(extra.name()));
    } finally {
      provider.deletePool(extra.name());
    }
  }

  @Test
  void ensurePoolWithOtherSourceIsAConflict() {
    PoolSpec moved = PoolSpec.dir(pool().name(), Path.of("/var/lib", TestNames.unique("getbot-elsewhere-", 8)));
    ConflictException e = assertThrows(ConflictException.class, () -> provider.ensurePool(moved));
    assertTrue(e.getMessage().contains(moved.source().toString()),
        () -> "the message should name the requested source: " + e.getMessage());
    assertEquals(Change.UNCHANGED, provider.ensurePool(pool()));
  }

  @Test
  void deleteBridgeInUseIsAConflict() {
    provisionNew();
    assertThrows(ConflictException.class, () -> provider.deleteBridge(bridge().name()));
    assertEquals(Change.UNCHANGED, provider.ensureBridge(bridge()), "the bridge must still exist");
  }

  @Test
  void deletePoolInUseIsAConflict() {
    provisionNew();
    assertThrows(ConflictException.class, () -> provider.deletePool(pool().name()));
    assertEquals(Change.UNCHANGED, provider.ensurePool(pool()), "the pool must still exist");
  }

  @Test
  void deleteOfAbsentBridgeOrPoolIsFalse() {
    assertFalse(provider.deleteBridge(TestNames.unique("gbt", 8)));
    assertFalse(provider.deletePool(TestNames.unique("gbt-pool-", 8)));
  }

  // ------------------------------------------------------------------------------------------------ provision

  @Test
  void provisionCreatesARunningContainerAsSpecified() {
    OrgName org = newOrg();
    OrgSpec spec = spec(org).flags(SecurityFlags.DOCKER).label("team", "marketing").build();
    OrgContainer container = provider.provision(spec);
    assertEquals(org, container.name());
    assertEquals(OrgState.RUNNING, container.state());
    assertEquals(InstanceType.CONTAINER, container.type());
    assertEquals(0, container.snapshotCount());
    assertEquals(SMALL, container.limits());
    assertEquals(SecurityFlags.DOCKER, container.flags());
    assertEquals(Map.of("team", "marketing"), container.labels());
    assertTrue(bridge().isOrgAddress(container.address()), () -> container.address() + " is no org address");
    OrgContainer found = provider.find(org).orElseThrow();
    assertEquals(container.address(), found.address());
    assertEquals(spec.labels(), found.labels());
  }

  @Test
  void provisionIsIdempotent() {
    OrgSpec spec = spec(newOrg()).build();
    OrgContainer first = provider.provision(spec);
    OrgContainer second = provider.provision(spec);
    assertEquals(first.address(), second.address());
    assertEquals(OrgState.RUNNING, second.state());
    assertEquals(first.limits(), second.limits());
    assertEquals(1, provider.list().stream().filter(c -> c.name().equals(spec.org())).count());
  }

  @Test
  void provisionConvergesChangedLimits() {
    OrgSpec spec = spec(newOrg()).build();
    OrgContainer before = provider.provision(spec);
    ResourceLimits bigger = ResourceLimits.of(2, MemorySize.mebibytes(512)).withProcesses(500);
    OrgContainer after = provider.provision(spec.toBuilder().limits(bigger).build());
    assertEquals(bigger, after.limits());
    assertEquals(bigger, provider.find(spec.org()).orElseThrow().limits());
    assertEquals(before.address(), after.address(), "converging must keep the address");
    OrgContainer back = provider.provision(spec);
    assertEquals(SMALL, back.limits(), "an unset process limit must be removed again");
  }

  @Test
  void provisionConvergesFlags() {
    OrgSpec spec = spec(newOrg()).flags(SecurityFlags.DOCKER).build();
    provider.provision(spec);
    SecurityFlags mknodOnly = new SecurityFlags(false, true, false);
    assertEquals(mknodOnly, provider.provision(spec.toBuilder().flags(mknodOnly).build()).flags());
    assertEquals(mknodOnly, provider.find(spec.org()).orElseThrow().flags());
  }

  @Test
  void provisionConvergesLabels() {
    OrgSpec spec = spec(newOrg()).label("keep", "1").label("change", "old").label("drop", "x").build();
    provider.provision(spec);
    OrgSpec changed = spec.toBuilder().labels(Map.of("keep", "1", "change", "new", "add", "y")).build();
    assertEquals(Map.of("keep", "1", "change", "new", "add", "y"), provider.provision(changed).labels());
    assertEquals(changed.labels(), provider.find(spec.org()).orElseThrow().labels());
  }

  @Test
  void provisionStartsAStoppedOrg() {
    OrgSpec spec = spec(newOrg()).build();
    OrgContainer created = provider.provision(spec);
    provider.stop(spec.org());
    OrgContainer again = provider.provision(spec);
    assertEquals(OrgState.RUNNING, again.state());
    assertEquals(created.address(), again.address());
  }

  @Test
  void provisionReportsProgress() {
    List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
    provider.provision(spec(newOrg()).build(), events::add);
    Set<String> steps = events.stream().map(ProgressEvent::step).collect(Collectors.toSet());
    assertTrue(steps.contains("create") && steps.contains("start"),
        () -> "a new container reports the steps 'create' and 'start', got " + events);
    events.forEach(e -> assertFalse(e.message().isBlank(), () -> "blank message in " + e));
  }

  @Test
  void provisionWithoutBridgeIsNotFound() {
    OrgName org = newOrg();
    BridgeSpec missing = extraBridge();
    assertThrows(NotFoundException.class, () -> provider.provision(spec(org).bridge(missing).build()));
    assertEquals(Optional.empty(), provider.find(org));
  }

  @Test
  void provisionWithoutPoolIsNotFound() {
    OrgName org = newOrg();
    assertThrows(NotFoundException.class, () -> provider.provision(spec(org).pool(extraPool()).build()));
    assertEquals(Optional.empty(), provider.find(org));
  }

  @Test
  void provisionWithUnknownImageIsNotFound() {
    OrgName org = newOrg();
    ImageRef missing = ImageRef.alias(TestNames.unique("getbot-missing-", 8));
    assertThrows(NotFoundException.class, () -> provider.provision(spec(org).image(missing).build()));
    assertEquals(Optional.empty(), provider.find(org));
  }

  @Test
  void provisionOnBridgeWithOtherSettingsIsAConflict() {
    OrgName org = newOrg();
    BridgeSpec b = bridge();
    BridgeSpec changed = new BridgeSpec(b.name(), b.subnet(), b.gateway(), !b.nat(), b.firstOrgAddress());
    assertThrows(ConflictException.class, () -> provider.provision(spec(org).bridge(changed).build()));
    assertEquals(Optional.empty(), provider.find(org));
  }

  @Test
  void provisionOfOrgOnAnotherBridgeIsAConflict() {
    OrgSpec spec = spec(newOrg()).build();
    OrgContainer created = provider.provision(spec);
    withBridge(extraBridge(), extra -> {
      assertThrows(ConflictException.class, () -> provider.provision(spec.toBuilder().bridge(extra).build()));
      assertEquals(created.address(), provider.find(spec.org()).orElseThrow().address(), "the org must not move");
    });
  }

  @Test
  void provisionOfOrgInAnotherPoolIsAConflict() {
    OrgSpec spec = spec(newOrg()).build();
    provider.provision(spec);
    withPool(extraPool(), extra -> {
      assertThrows(ConflictException.class, () -> provider.provision(spec.toBuilder().pool(extra).build()));
      assertEquals(OrgState.RUNNING, provider.find(spec.org()).orElseThrow().state());
    });
  }

  // ------------------------------------------------------------------------------------- unmanaged instances

  @Test
  void unmanagedInstanceWithSameNameIsAConflict() {
    OrgName org = OrgName.of(TestNames.unique("um", 8));
    createUnmanagedInstance(org.value());
    try {
      assertThrows(ConflictException.class, () -> provider.provision(spec(org).build()));
      assertFalse(provider.delete(org), "delete must leave an unmanaged instance alone");
      assertThrows(ConflictException.class, () -> provider.provision(spec(org).build()),
          "the unmanaged instance must still be there");
    } finally {
      deleteUnmanagedInstance(org.value());
    }
  }

  @Test
  void unmanagedInstanceIsNotFoundForEveryPerOrgCall() {
    OrgName org = OrgName.of(TestNames.unique("um", 8));
    createUnmanagedInstance(org.value());
    try {
      assertEquals(Optional.empty(), provider.find(org));
      assertEachNotFound(org);
    } finally {
      deleteUnmanagedInstance(org.value());
    }
  }

  @Test
  void listShowsOnlyManagedOrgs() {
    OrgName managed = provisionNew().name();
    String unmanaged = TestNames.unique("um", 8);
    createUnmanagedInstance(unmanaged);
    try {
      Set<String> names = provider.list().stream().map(c -> c.name().value()).collect(Collectors.toSet());
      assertTrue(names.contains(managed.value()), () -> names + " lacks " + managed);
      assertFalse(names.contains(unmanaged), () -> names + " shows the unmanaged " + unmanaged);
    } finally {
      deleteUnmanagedInstance(unmanaged);
    }
  }

  @Test
  void listIsSortedByName() {
    provisionNew();
    provisionNew();
    List<OrgName> names = provider.list().stream().map(OrgContainer::name).toList();
    assertTrue(names.size() >= 2, () -> "list " + names);
    List<OrgName> sorted = new ArrayList<>(names);
    Collections.sort(sorted);
    assertEquals(sorted, names);
  }

  // ---------------------------------------------------------------------------------------------- addresses

  @Test
  void addressesAreUniqueAndLowestFree() {
    Set<Ipv4Address> taken = provider.list().stream().map(OrgContainer::address).collect(Collectors.toSet());
    OrgContainer a = provisionNew();
    assertEquals(lowestFree(bridge(), taken), a.address());
    taken.add(a.address());
    OrgContainer b = provisionNew();
    assertEquals(lowestFree(bridge(), taken), b.address());
    assertNotEquals(a.address(), b.address());
  }

  @Test
  void deletedAddressIsReused() {
    OrgContainer a = provisionNew();
    provisionNew();
    assertTrue(provider.delete(a.name()));
    OrgContainer c = provisionNew();
    assertEquals(a.address(), c.address(), "the lowest free address is the deleted org's");
  }

  @Test
  void concurrentProvisionsGetDistinctAddresses() throws Exception {
    int n = 3;
    List<OrgName> names = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      names.add(newOrg());
    }
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    try {
      List<Future<OrgContainer>> futures = new ArrayList<>();
      for (OrgName org : names) {
        Callable<OrgContainer> task = () -> {
          go.await();
          return provider.provision(spec(org).build());
        };
        futures.add(pool.submit(task));
      }
      go.countDown();
      Set<Ipv4Address> addresses = new HashSet<>();
      for (Future<OrgContainer> future : futures) {
        OrgContainer container = future.get(5, TimeUnit.MINUTES);
        assertTrue(bridge().isOrgAddress(container.address()), () -> container.address() + " is no org address");
        addresses.add(container.address());
      }
      assertEquals(n, addresses.size(), () -> "addresses must be distinct: " + addresses);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void bridgeWithoutFreeAddressIsAConflict() {
    Ipv4Network net = new Ipv4Network(extraBridge().subnet().address(), 29);
    BridgeSpec tiny = new BridgeSpec(TestNames.unique("gbt", 8), net, net.address().plus(1), true,
        net.address().plus(6));
    withBridge(tiny, b -> {
      OrgContainer only = provider.provision(spec(newOrg()).bridge(b).build());
      assertEquals(net.address().plus(6), only.address());
      OrgName second = newOrg();
      assertThrows(ConflictException.class, () -> provider.provision(spec(second).bridge(b).build()));
      assertEquals(Optional.empty(), provider.find(second));
    });
  }

  @Test
  void ipv4MatchesAddressWhileRunning() {
    OrgContainer container = provisionNew();
    assertEquals(Optional.of(container.address()), awaitIpv4(container.name()).ipv4());
  }

  @Test
  void ipv4IsEmptyWhileStopped() {
    OrgContainer container = provisionNew();
    OrgContainer stopped = provider.stop(container.name());
    assertEquals(Optional.empty(), stopped.ipv4());
    assertEquals(Optional.empty(), provider.find(container.name()).orElseThrow().ipv4());
    assertEquals(container.address(), stopped.address(), "the reserved address stays while stopped");
  }

  // ---------------------------------------------------------------------------------------------- lifecycle

  @Test
  void stopAndStartAreIdempotent() {
    OrgName org = provisionNew().name();
    assertEquals(OrgState.STOPPED, provider.stop(org).state());
    assertEquals(OrgState.STOPPED, provider.stop(org).state());
    assertEquals(OrgState.STOPPED, provider.find(org).orElseThrow().state());
    assertEquals(OrgState.RUNNING, provider.start(org).state());
    assertEquals(OrgState.RUNNING, provider.start(org).state());
    assertEquals(OrgState.RUNNING, provider.find(org).orElseThrow().state());
  }

  @Test
  void restartOfStoppedStartsIt() {
    OrgName org = provisionNew().name();
    provider.stop(org);
    assertEquals(OrgState.RUNNING, provider.restart(org).state());
    assertEquals(OrgState.RUNNING, provider.find(org).orElseThrow().state());
  }

  @Test
  void restartOfRunningKeepsItRunningAtItsAddress() {
    OrgContainer container = provisionNew();
    OrgContainer restarted = provider.restart(container.name());
    assertEquals(OrgState.RUNNING, restarted.state());
    assertEquals(container.address(), restarted.address());
  }

  @Test
  void deleteTwiceReturnsFalse() {
    OrgName org = provisionNew().name();
    assertTrue(provider.delete(org));
    assertEquals(Optional.empty(), provider.find(org));
    assertFalse(provider.list().stream().anyMatch(c -> c.name().equals(org)));
    assertFalse(provider.delete(org));
  }

  @Test
  void deleteRemovesFiles() {
    OrgSpec spec = spec(newOrg()).build();
    provider.provision(spec);
    provider.pushFile(spec.org(), "/root/marker.txt", utf8("old"), FileAttributes.DEFAULT);
    assertTrue(provider.delete(spec.org()));
    provider.provision(spec);
    assertThrows(NotFoundException.class, () -> provider.pullFile(spec.org(), "/root/marker.txt"));
  }

  @Test
  void findOfUnknownOrgIsEmpty() {
    assertEquals(Optional.empty(), provider.find(newOrg()));
    assertFalse(provider.delete(newOrg()));
  }

  @Test
  void startOfUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.start(newOrg()));
  }

  @Test
  void stopOfUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.stop(newOrg()));
  }

  @Test
  void restartOfUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.restart(newOrg()));
  }

  @Test
  void execOfUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.exec(newOrg(), ExecCommand.of("true")));
  }

  @Test
  void pushFileToUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class,
        () -> provider.pushFile(newOrg(), "/tmp/x", utf8("x"), FileAttributes.DEFAULT));
  }

  @Test
  void pullFileFromUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.pullFile(newOrg(), "/etc/passwd"));
  }

  @Test
  void usageOfUnknownOrgIsNotFound() {
    assertThrows(NotFoundException.class, () -> provider.usage(newOrg()));
  }

  private void assertEachNotFound(OrgName org) {
    Map<String, Executable> calls = Map.of(
        "start", () -> provider.start(org),
        "stop", () -> provider.stop(org),
        "restart", () -> provider.restart(org),
        "exec", () -> provider.exec(org, ExecCommand.of("true")),
        "pushFile", () -> provider.pushFile(org, "/tmp/x", utf8("x"), FileAttributes.DEFAULT),
        "pullFile", () -> provider.pullFile(org, "/etc/passwd"),
        "usage", () -> provider.usage(org));
    calls.forEach((name, call) -> assertThrows(NotFoundException.class, call, name + " of " + org));
  }

  // --------------------------------------------------------------------------------------------------- exec

  @Test
  void execReturnsExitCodeAndOutput() {
    OrgName org = provisionNew().name();
    assertExec(sh(org, "echo out; echo err >&2; exit 3"), 3, "out\n", "err\n");
    assertExec(provider.exec(org, ExecCommand.of("echo", "a  b", "c")), 0, "a  b c\n", "");
  }

  @Test
  void execSeesEnvironmentAndCwd() {
    OrgName org = provisionNew().name();
    ExecCommand command = ExecCommand.shell("echo \"$GREETING\"; pwd").withEnv("GREETING", "hello  world")
        .withCwd("/tmp");
    assertExec(provider.exec(org, command), 0, "hello  world\n/tmp\n", "");
  }

  @Test
  void execDefaultsToRootsHomeAndPath() {
    OrgName org = provisionNew().name();
    assertExec(sh(org, "echo $HOME; pwd; echo $PATH"), 0,
        "/root\n/root\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n", "");
  }

  @Test
  void execRunsAsRootWithTheOrgAsHostname() {
    OrgName org = provisionNew().name();
    assertExec(sh(org, "id -u; id -g; hostname"), 0, "0\n0\n" + org + "\n", "");
  }

  @Test
  void execOfMissingProgramIs127() {
    OrgName org = provisionNew().name();
    assertEquals(127, provider.exec(org, ExecCommand.of("/usr/bin/getbot-no-such-program")).exitCode());
    assertEquals(127, sh(org, "getbot-no-such-program --help").exitCode());
  }

  @Test
  void execOnStoppedIsAConflict() {
    OrgName org = provisionNew().name();
    provider.stop(org);
    assertThrows(ConflictException.class, () -> provider.exec(org, ExecCommand.of("true")));
  }

  @Test
  void execAndOrListsFollowExitStatus() {
    OrgName org = provisionNew().name();
    assertExec(sh(org, "false || echo a; true && echo b; false && echo c; echo \"status $?\"\ntrue || exit 9"),
        0, "a\nb\nstatus 1\n", "");
  }

  @Test
  void execWritesFilesThatPullFileReads() {
    OrgName org = provisionNew().name();
    assertExec(sh(org, "echo first > /tmp/out.txt && echo second >> /tmp/out.txt"), 0, "", "");
    assertEquals("first\nsecond\n", provider.pullFile(org, "/tmp/out.txt").utf8());
  }

  @Test
  void execReadsPushedFiles() {
    OrgName org = provisionNew().name();
    provider.pushFile(org, "/tmp/in.txt", utf8("pushed\n"), FileAttributes.DEFAULT);
    assertExec(sh(org, "cat /tmp/in.txt"), 0, "pushed\n", "");
  }

  // -------------------------------------------------------------------------------------------------- files

  @Test
  void fileRoundTripKeepsModeAndOwner() {
    OrgName org = provisionNew().name();
    provider.pushFile(org, "/tmp/round.txt", utf8("round trip\n"), USER_0640);
    FileContent file = provider.pullFile(org, "/tmp/round.txt");
    assertEquals("round trip\n", file.utf8());
    assertEquals(USER_0640, file.attributes());
  }

  @Test
  void binaryContentRoundTrips() {
    OrgName org = provisionNew().name();
    byte[] bytes = new byte[256];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    provider.pushFile(org, "/tmp/all-bytes.bin", bytes, FileAttributes.DEFAULT);
    assertArrayEquals(bytes, provider.pullFile(org, "/tmp/all-bytes.bin").bytes());
  }

  @Test
  void overwriteKeepsOwnerAndMode() {
    OrgName org = provisionNew().name();
    provider.pushFile(org, "/tmp/kept.txt", utf8("one"), USER_0640);
    provider.pushFile(org, "/tmp/kept.txt", utf8("two"), FileAttributes.of(0, 0, 0600));
    FileContent file = provider.pullFile(org, "/tmp/kept.txt");
    assertEquals("two", file.utf8());
    assertEquals(USER_0640, file.attributes());
  }

  @Test
  void pullOfMissingFileIsNotFound() {
    OrgName org = provisionNew().name();
    assertThrows(NotFoundException.class, () -> provider.pullFile(org, "/tmp/getbot-no-such-file"));
  }

  @Test
  void pushIntoMissingDirectoryIsNotFound() {
    OrgName org = provisionNew().name();
    assertThrows(NotFoundException.class,
        () -> provider.pushFile(org, "/getbot-no-such-dir/file.txt", utf8("x"), FileAttributes.DEFAULT));
  }

  @Test
  void pullOfADirectoryIsAConflict() {
    OrgName org = provisionNew().name();
    assertThrows(ConflictException.class, () -> provider.pullFile(org, "/tmp"));
  }

  @Test
  void pushOntoADirectoryIsAConflict() {
    OrgName org = provisionNew().name();
    assertThrows(ConflictException.class, () -> provider.pushFile(org, "/tmp", utf8("x"), FileAttributes.DEFAULT));
  }

  @Test
  void filesWorkWhileStopped() {
    OrgName org = provisionNew().name();
    provider.stop(org);
    provider.pushFile(org, "/root/while-stopped.txt", utf8("written while stopped\n"), FileAttributes.DEFAULT);
    assertEquals("written while stopped\n", provider.pullFile(org, "/root/while-stopped.txt").utf8());
    provider.start(org);
    assertExec(sh(org, "cat /root/while-stopped.txt"), 0, "written while stopped\n", "");
  }

  @Test
  void invalidPathRejectedBeforeAnyChange() {
    OrgName unknown = newOrg();
    assertThrows(InvalidSpecException.class,
        () -> provider.pushFile(unknown, "tmp/relative.txt", utf8("x"), FileAttributes.DEFAULT),
        "input is validated before the org is looked up");
    assertThrows(InvalidSpecException.class, () -> provider.pullFile(unknown, "/tmp/../etc/passwd"));
    OrgName org = provisionNew().name();
    assertThrows(InvalidSpecException.class,
        () -> provider.pushFile(org, "/tmp/a/../b.txt", utf8("x"), FileAttributes.DEFAULT));
    assertThrows(NotFoundException.class, () -> provider.pullFile(org, "/tmp/b.txt"));
  }

  // -------------------------------------------------------------------------------------------------- usage

  @Test
  void usageIsNoneWhileStopped() {
    OrgName org = provisionNew().name();
    provider.stop(org);
    assertEquals(ResourceUsage.NONE, provider.usage(org));
  }

  @Test
  void usageReportsMemoryLimitWhileRunning() {
    OrgName org = provisionNew().name();
    ResourceUsage usage = provider.usage(org);
    assertEquals(SMALL.memory().bytes(), usage.memoryLimitBytes());
    assertTrue(usage.processes() >= 1, () -> "processes in " + usage);
    assertTrue(usage.memoryBytes() > 0 && usage.memoryBytes() <= usage.memoryLimitBytes(), () -> "memory " + usage);
  }
}
