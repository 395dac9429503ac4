package run.getbot.isolation.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.Ipv4Network;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.ResourceUsage;

/** What the in-memory provider does beyond the contract: files, images, unmanaged instances, failures, usage. */
class InMemoryIsolationProviderTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final ImageRef IMAGE = ImageRef.alias("getbot-busybox");
  private static final String FINGERPRINT = "263de4bb0123456789abcdef0123456789abcdef0123456789abcdef01234567";

  private InMemoryIsolationProvider provider;

  @BeforeEach
  void setUp() {
    provider = InMemoryIsolationProvider.builder().images("getbot-busybox", FINGERPRINT).build();
    provider.ensureBridge(BridgeSpec.DEFAULT);
    provider.ensurePool(PoolSpec.DEFAULT);
  }

  private OrgContainer provision(OrgName org) {
    return provider.provision(OrgSpec.of(org, IMAGE));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Nested
  class Files {

    @BeforeEach
    void provisionAcme() {
      provision(ACME);
    }

    @Test
    void newContainerHasTheDocumentedDirectories() {
      assertThat(provider.exec(ACME, ExecCommand.of("ls", "/")).stdout())
          .isEqualTo("bin\ndev\netc\nhome\nopt\nproc\nroot\nrun\nsrv\nsys\ntmp\nusr\nvar\n");
      assertThat(MemoryFileSystem.INITIAL_DIRECTORIES).hasSize(14);
    }

    @Test
    void pushOntoADirectoryIsAConflict() {
      assertThatThrownBy(() -> provider.pushFile(ACME, "/tmp", utf8("x"), FileAttributes.DEFAULT))
          .isInstanceOf(ConflictException.class).hasMessageContaining("/tmp is a directory");
    }

    @Test
    void pushBelowAFileIsAConflict() {
      provider.pushFile(ACME, "/tmp/file", utf8("x"), FileAttributes.DEFAULT);
      assertThatThrownBy(() -> provider.pushFile(ACME, "/tmp/file/below", utf8("x"), FileAttributes.DEFAULT))
          .isInstanceOf(ConflictException.class);
    }

    @Test
    void pushIntoMissingDirectoryNamesIt() {
      assertThatThrownBy(() -> provider.pushFile(ACME, "/data/app/config.yml", utf8("x"), FileAttributes.DEFAULT))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("/data/app");
    }

    @Test
    void pullOfADirectoryIsAConflict() {
      assertThatThrownBy(() -> provider.pullFile(ACME, "/etc")).isInstanceOf(ConflictException.class);
    }

    @Test
    void pushedContentIsCopied() {
      byte[] content = utf8("original");
      provider.pushFile(ACME, "/tmp/copy", content, FileAttributes.DEFAULT);
      content[0] = 'X';
      assertThat(provider.pullFile(ACME, "/tmp/copy").utf8()).isEqualTo("original");
    }

    @Test
    void eachOrgHasItsOwnFiles() {
      OrgName other = OrgName.of("globex");
      provision(other);
      provider.pushFile(ACME, "/tmp/secret", utf8("acme only"), FileAttributes.DEFAULT);
      assertThatThrownBy(() -> provider.pullFile(other, "/tmp/secret")).isInstanceOf(NotFoundException.class);
    }
  }

  @Nested
  class Images {

    @Test
    void aliasFingerprintPrefixAndRemoteAliasAreFound() {
      provider.provision(OrgSpec.of(OrgName.of("byalias"), IMAGE));
      provider.provision(OrgSpec.of(OrgName.of("byprefix"), ImageRef.fingerprint(FINGERPRINT.substring(0, 12))));
      provider.provision(OrgSpec.of(OrgName.of("byfull"), ImageRef.fingerprint(FINGERPRINT)));
      provider.provision(OrgSpec.of(OrgName.of("byremote"),
          ImageRef.remote(URI.create("https://images.example"), "getbot-busybox")));
      assertThat(provider.list()).hasSize(4);
    }

    @Test
    void unknownImageNamesTheKnownOnes() {
      assertThatThrownBy(() -> provider.provision(OrgSpec.of(ACME, ImageRef.alias("debian"))))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("debian").hasMessageContaining("getbot-busybox");
      assertThatThrownBy(() -> provider.provision(OrgSpec.of(ACME, ImageRef.fingerprint("ffffffffffff"))))
          .isInstanceOf(NotFoundException.class);
    }

    @Test
    void imageIsIgnoredWhenTheContainerExists() {
      provision(ACME);
      assertThat(provider.provision(OrgSpec.of(ACME, ImageRef.alias("gone-by-now"))).isRunning()).isTrue();
    }

    @Test
    void createAcceptsAnyImage() {
      InMemoryIsolationProvider lenient = InMemoryIsolationProvider.create();
      lenient.ensureBridge(BridgeSpec.DEFAULT);
      lenient.ensurePool(PoolSpec.DEFAULT);
      assertThat(lenient.provision(OrgSpec.of(ACME, ImageRef.alias("anything"))).isRunning()).isTrue();
    }

    @Test
    void blankImageNamesAreRefused() {
      assertThatThrownBy(() -> InMemoryIsolationProvider.builder().images("ok", " "))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Nested
  class Provisioning {

    @Test
    void progressStepsOfCreateConvergeAndRestart() {
      List<ProgressEvent> events = new ArrayList<>();
      OrgSpec spec = OrgSpec.of(ACME, IMAGE);
      provider.provision(spec, events::add);
      assertThat(events).extracting(ProgressEvent::step).containsExactly("create", "start");
      events.clear();
      provider.provision(spec, events::add);
      assertThat(events).as("nothing to do, nothing reported").isEmpty();
      provider.stop(ACME);
      provider.provision(spec.toBuilder().limits(ResourceLimits.of(4, MemorySize.gigabytes(8))).build(), events::add);
      assertThat(events).extracting(ProgressEvent::step).containsExactly("update", "start");
    }

    @Test
    void firstAddressSkipsTheGateway() {
      Ipv4Network net = Ipv4Network.parse("10.50.0.0/24");
      BridgeSpec bridge = new BridgeSpec("low-br", net, Ipv4Address.parse("10.50.0.5"), true,
          Ipv4Address.parse("10.50.0.4"));
      provider.ensureBridge(bridge);
      Function<String, Ipv4Address> create = name -> provider.provision(
          OrgSpec.builder(OrgName.of(name), IMAGE).bridge(bridge).build()).address();
      assertThat(create.apply("first")).hasToString("10.50.0.4");
      assertThat(create.apply("second")).hasToString("10.50.0.6");
    }

    @Test
    void addressesCountPerBridge() {
      BridgeSpec other = BridgeSpec.of("other-br", "10.51.0.0/24");
      provider.ensureBridge(other);
      assertThat(provision(ACME).address()).hasToString("10.199.0.100");
      OrgContainer elsewhere = provider.provision(OrgSpec.builder(OrgName.of("globex"), IMAGE).bridge(other).build());
      assertThat(elsewhere.address()).hasToString("10.51.0.100");
    }

    @Test
    void provisionUsesTheSpecsFirstOrgAddress() {
      BridgeSpec d = BridgeSpec.DEFAULT;
      BridgeSpec from200 = new BridgeSpec(d.name(), d.subnet(), d.gateway(), d.nat(), d.subnet().address().plus(200));
      assertThat(provider.ensureBridge(from200)).as("the first org address is no bridge setting")
          .isEqualTo(Change.UNCHANGED);
      assertThat(provider.provision(OrgSpec.builder(ACME, IMAGE).bridge(from200).build()).address())
          .hasToString("10.199.0.200");
    }

    @Test
    void overlappingSubnetsAreAConflict() {
      assertThatThrownBy(() -> provider.ensureBridge(BridgeSpec.of("wide-br", "10.199.0.0/16")))
          .isInstanceOf(ConflictException.class).hasMessageContaining("getbot-br0").hasMessageContaining("10.199.0.0/16");
      assertThat(provider.ensureBridge(BridgeSpec.of("next-br", "10.199.1.0/24"))).isEqualTo(Change.CREATED);
    }

    @Test
    void manyConcurrentProvisionsGetDistinctAddresses() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<OrgContainer>> futures = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
          OrgName org = OrgName.of("org" + i);
          futures.add(pool.submit(() -> {
            go.await();
            return provision(org);
          }));
        }
        go.countDown();
        Set<Ipv4Address> addresses = new HashSet<>();
        for (Future<OrgContainer> f : futures) {
          addresses.add(f.get(10, TimeUnit.SECONDS).address());
        }
        assertThat(addresses).hasSize(64);
        assertThat(addresses.stream().map(Ipv4Address::toString).collect(Collectors.toSet()))
            .contains("10.199.0.100", "10.199.0.163").doesNotContain("10.199.0.164");
      } finally {
        pool.shutdownNow();
      }
    }

    @Test
    void listIsAnImmutableSnapshot() {
      provision(ACME);
      List<OrgContainer> list = provider.list();
      provider.stop(ACME);
      assertThat(list.get(0).isRunning()).isTrue();
      assertThatThrownBy(list::clear).isInstanceOf(UnsupportedOperationException.class);
    }
  }

  @Nested
  class UnmanagedInstances {

    @Test
    void attachedInstanceKeepsBridgeAndPoolInUse() {
      provider.addUnmanagedInstance("legacy", BridgeSpec.DEFAULT.name(), PoolSpec.DEFAULT.name());
      assertThatThrownBy(() -> provider.deleteBridge(BridgeSpec.DEFAULT.name()))
          .isInstanceOf(ConflictException.class).hasMessageContaining("legacy");
      assertThatThrownBy(() -> provider.deletePool(PoolSpec.DEFAULT.name()))
          .isInstanceOf(ConflictException.class).hasMessageContaining("legacy");
      assertThat(provider.removeUnmanagedInstance("legacy")).isTrue();
      assertThat(provider.deleteBridge(BridgeSpec.DEFAULT.name())).isTrue();
      assertThat(provider.deletePool(PoolSpec.DEFAULT.name())).isTrue();
    }

    @Test
    void detachedInstanceBlocksNothing() {
      provider.addUnmanagedInstance("legacy");
      assertThat(provider.deleteBridge(BridgeSpec.DEFAULT.name())).isTrue();
    }

    @Test
    void unmanagedInstanceHoldsNoOrgAddress() {
      provider.addUnmanagedInstance("legacy", BridgeSpec.DEFAULT.name(), PoolSpec.DEFAULT.name());
      assertThat(provision(ACME).address()).hasToString("10.199.0.100");
    }

    @Test
    void namesAreUniqueAcrossManagedAndUnmanaged() {
      provision(ACME);
      provider.addUnmanagedInstance("legacy");
      assertThatThrownBy(() -> provider.addUnmanagedInstance("acme")).isInstanceOf(ConflictException.class);
      assertThatThrownBy(() -> provider.addUnmanagedInstance("legacy")).isInstanceOf(ConflictException.class);
      assertThatThrownBy(() -> provision(OrgName.of("legacy"))).isInstanceOf(ConflictException.class)
          .hasMessageContaining("did not create");
    }

    @Test
    void attachingToMissingBridgeOrPoolIsNotFound() {
      assertThatThrownBy(() -> provider.addUnmanagedInstance("x", "nope-br", PoolSpec.DEFAULT.name()))
          .isInstanceOf(NotFoundException.class);
      assertThatThrownBy(() -> provider.addUnmanagedInstance("x", BridgeSpec.DEFAULT.name(), "nope-pool"))
          .isInstanceOf(NotFoundException.class);
      assertThat(provider.removeUnmanagedInstance("x")).isFalse();
    }
  }

  @Nested
  class FailureInjection {

    @AfterEach
    void available() {
      provider.setUnavailable(false);
    }

    @Test
    void unavailableProviderFailsEveryCallAndChangesNothing() {
      provision(ACME);
      provider.setUnavailable(true);
      Map<String, Runnable> calls = Map.ofEntries(
          Map.entry("ensureBridge", () -> provider.ensureBridge(BridgeSpec.of("new-br", "10.60.0.0/24"))),
          Map.entry("ensurePool", () -> provider.ensurePool(PoolSpec.dir("new-pool"))),
          Map.entry("deleteBridge", () -> provider.deleteBridge("getbot-br0")),
          Map.entry("deletePool", () -> provider.deletePool("getbot-pool")),
          Map.entry("provision", () -> provision(OrgName.of("globex"))),
          Map.entry("find", () -> provider.find(ACME)),
          Map.entry("list", () -> provider.list()),
          Map.entry("start", () -> provider.start(ACME)),
          Map.entry("stop", () -> provider.stop(ACME)),
          Map.entry("restart", () -> provider.restart(ACME)),
          Map.entry("delete", () -> provider.delete(ACME)),
          Map.entry("exec", () -> provider.exec(ACME, ExecCommand.of("true"))),
          Map.entry("pushFile", () -> provider.pushFile(ACME, "/tmp/x", utf8("x"), FileAttributes.DEFAULT)),
          Map.entry("pullFile", () -> provider.pullFile(ACME, "/etc/x")),
          Map.entry("usage", () -> provider.usage(ACME)));
      calls.forEach((name, call) -> assertThatThrownBy(call::run).as(name)
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("setUnavailable"));
      provider.setUnavailable(false);
      assertThat(provider.list()).extracting(OrgContainer::name).containsExactly(ACME);
      assertThat(provider.find(ACME).orElseThrow().isRunning()).isTrue();
      assertThatThrownBy(() -> provider.pullFile(ACME, "/tmp/x")).isInstanceOf(NotFoundException.class);
    }

    @Test
    void invalidInputIsReportedBeforeUnavailability() {
      provider.setUnavailable(true);
      assertThatThrownBy(() -> provider.pushFile(ACME, "relative", utf8("x"), FileAttributes.DEFAULT))
          .isInstanceOf(InvalidSpecException.class);
    }

    @Test
    void failNextFailsOnceAndChangesNothing() {
      OperationFailedException boom = new OperationFailedException("creating org acme", "disk full");
      provider.failNext("provision", boom);
      assertThatThrownBy(() -> provision(ACME)).isSameAs(boom);
      assertThat(provider.find(ACME)).isEmpty();
      assertThat(provision(ACME).isRunning()).isTrue();
    }

    @Test
    void failuresQueueUpPerOperation() {
      provision(ACME);
      NotFoundException first = new NotFoundException("first");
      ConflictException second = new ConflictException("second");
      provider.failNext("exec", first);
      provider.failNext("exec", second);
      provider.failNext("stop", new ConflictException("not this one"));
      ExecCommand command = ExecCommand.of("true");
      assertThatThrownBy(() -> provider.exec(ACME, command)).isSameAs(first);
      assertThatThrownBy(() -> provider.exec(ACME, command)).isSameAs(second);
      assertThat(provider.exec(ACME, command).succeeded()).isTrue();
    }

    @Test
    void unknownOperationIsRefused() {
      assertThatThrownBy(() -> provider.failNext("explode", new ConflictException("x")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("provision");
    }
  }

  @Nested
  class ExecHandlers {

    @Test
    void customHandlerSeesOrgCommandAndFiles() {
      InMemoryIsolationProvider custom = InMemoryIsolationProvider.builder().execHandler(ctx -> {
        ctx.files().write("/tmp/ran", utf8(String.join(" ", ctx.command().argv())), FileAttributes.DEFAULT);
        return new ExecResult(7, ctx.org() + " " + ctx.command().environment().get("K"), "");
      }).build();
      custom.ensureBridge(BridgeSpec.DEFAULT);
      custom.ensurePool(PoolSpec.DEFAULT);
      custom.provision(OrgSpec.of(ACME, IMAGE));
      assertThat(custom.exec(ACME, ExecCommand.of("docker", "ps").withEnv("K", "v")))
          .isEqualTo(new ExecResult(7, "acme v", ""));
      assertThat(custom.pullFile(ACME, "/tmp/ran").utf8()).isEqualTo("docker ps");
    }

    @Test
    void handlerCanFallBackToTheMiniShell() {
      provision(ACME);
      provider.setExecHandler(ctx -> ctx.command().argv().get(0).equals("docker")
          ? new ExecResult(0, "Docker version 27.0.0\n", "")
          : ExecHandler.miniShell().run(ctx));
      assertThat(provider.exec(ACME, ExecCommand.of("docker", "--version")).stdout()).startsWith("Docker version");
      assertThat(provider.exec(ACME, ExecCommand.shell("echo fallback")).stdout()).isEqualTo("fallback\n");
    }

    @Test
    void handlerExceptionsPassThrough() {
      provision(ACME);
      provider.setExecHandler(ctx -> {
        throw new OperationFailedException("exec", "boom");
      });
      assertThatThrownBy(() -> provider.exec(ACME, ExecCommand.of("x"))).isInstanceOf(OperationFailedException.class);
    }

    @Test
    void handlerRunsWithoutTheProvidersLock() throws Exception {
      provision(ACME);
      CountDownLatch entered = new CountDownLatch(1);
      CountDownLatch release = new CountDownLatch(1);
      provider.setExecHandler(ctx -> {
        entered.countDown();
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return new ExecResult(0, "", "");
      });
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<ExecResult> running = pool.submit(() -> provider.exec(ACME, ExecCommand.of("long")));
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(provision(OrgName.of("globex")).isRunning()).as("other calls go on during an exec").isTrue();
        release.countDown();
        assertThat(running.get(10, TimeUnit.SECONDS).succeeded()).isTrue();
      } finally {
        release.countDown();
        pool.shutdownNow();
      }
    }
  }

  @Nested
  class Usage {

    @Test
    void figuresAreDeterministic() {
      provision(ACME);
      provider.exec(ACME, ExecCommand.of("true"));
      provider.exec(ACME, ExecCommand.of("true"));
      assertThat(provider.usage(ACME)).isEqualTo(
          new ResourceUsage(Duration.ofMillis(2), 8L << 20, MemorySize.gigabytes(3).bytes(), 1));
      provider.restart(ACME);
      assertThat(provider.usage(ACME).cpuTime()).as("counted since the start").isZero();
    }

    @Test
    void memoryInUseNeverExceedsTheLimit() {
      provider.provision(OrgSpec.builder(ACME, IMAGE).limits(ResourceLimits.of(1, MemorySize.mebibytes(4))).build());
      ResourceUsage usage = provider.usage(ACME);
      assertThat(usage.memoryBytes()).isEqualTo(usage.memoryLimitBytes()).isEqualTo(4L << 20);
    }
  }
}
