package run.getbot.isolation.benchmarks;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

/**
 * P4: {@code provision} + {@code delete} pairs per second on one thread on {@link InMemoryIsolationProvider}: one op
 * is one pair (a new container with the default spec, then its deletion). {@code resident} other orgs stay
 * provisioned on the same bridge throughout (0: an empty provider; 100: one managing 100 orgs).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms512m", "-Xmx512m"})
@Threads(1)
public class P4InMemoryBenchmark {

  @Param({"0", "100"})
  public int resident;

  private InMemoryIsolationProvider provider;
  private OrgSpec spec;

  @Setup(Level.Trial)
  public void setUp() {
    provider = InMemoryIsolationProvider.create();
    provider.ensureBridge(BridgeSpec.DEFAULT);
    provider.ensurePool(PoolSpec.DEFAULT);
    ImageRef image = ImageRef.alias("getbot-busybox");
    for (int i = 0; i < resident; i++) {
      provider.provision(OrgSpec.of(OrgName.of("resident" + i), image));
    }
    spec = OrgSpec.of(OrgName.of("acme"), image);
  }

  @Benchmark
  public boolean provisionDelete(Blackhole bh) {
    bh.consume(provider.provision(spec));
    return provider.delete(spec.org());
  }
}
