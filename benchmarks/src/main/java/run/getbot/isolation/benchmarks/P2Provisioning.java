package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProgressListener;
import run.getbot.isolation.incus.IncusIsolationProvider;

/**
 * P2: provisioning N orgs with the full spec (limits, Docker flags, label, static IP on the run's bridge, root disk in
 * the run's pool) through {@link IncusIsolationProvider#provision} on N threads, against N sequential
 * {@code incus launch} of the same spec by the real CLI. Also: the SDK on one thread, the per-org create / start /
 * delete times, and how the wall time grows from 1 to 10 to 30 orgs.
 */
final class P2Provisioning {

  private static final int ORGS = Integer.getInteger("gbb.p2.orgs", 10);
  private static final int ROUNDS = Integer.getInteger("gbb.p2.rounds", 2);
  private static final int LARGE = Integer.getInteger("gbb.p2.large", 30);

  private P2Provisioning() {}

  /** Per-org times of one SDK provision (ns): call start → "create" event → "start" event → return. */
  record OrgTiming(String org, long total, long allocate, long create, long start, long delete) {}

  /** One batch: wall times (ns) and per-org timings. */
  record Batch(String how, int orgs, int threads, long provisionWall, long deleteWall, List<OrgTiming> perOrg,
               ObjectNode cpu) {
    ObjectNode toJson() {
      ObjectNode n = Results.object();
      n.put("how", how).put("orgs", orgs).put("threads", threads);
      n.put("provision_wall_ms", Stats.ms(provisionWall));
      n.put("delete_wall_ms", Stats.ms(deleteWall));
      n.set("provision_cpu", cpu);
      if (!perOrg.isEmpty()) {
        ObjectNode per = n.putObject("per_org");
        addStats(per, "total", perOrg.stream().map(OrgTiming::total).toList());
        addStats(per, "allocate", perOrg.stream().map(OrgTiming::allocate).filter(v -> v >= 0).toList());
        addStats(per, "create", perOrg.stream().map(OrgTiming::create).filter(v -> v >= 0).toList());
        addStats(per, "start", perOrg.stream().map(OrgTiming::start).filter(v -> v >= 0).toList());
        addStats(per, "delete", perOrg.stream().map(OrgTiming::delete).filter(v -> v >= 0).toList());
      }
      return n;
    }
  }

  static void addStats(ObjectNode parent, String name, List<Long> values) {
    if (!values.isEmpty()) {
      Stats.of(values).toJsonMillis(parent.putObject(name));
    }
  }

  static void run() throws Exception {
    Env env = Env.load();
    ObjectNode out = Results.object();
    out.put("orgs", ORGS);
    out.put("cli_command", String.join(" ", env.launchCommand("launch", "NAME", env.orgAddress(0)))
        .replace(env.run(), "RUN"));
    try (IncusIsolationProvider incus = env.provider()) {
      // Warm-up, not timed: JIT and connections for the SDK; daemon caches for both.
      sdkBatch(env, incus, "sdk-warmup", env.orgs("z", 2), 2);
      cliBatch(env, env.orgs("y", 1));

      ArrayNode rounds = out.putArray("rounds");
      long sdkSum = 0;
      long cliSum = 0;
      for (int r = 0; r < ROUNDS; r++) {
        Batch sdk = sdkBatch(env, incus, "sdk-" + ORGS + "-threads", env.orgs("s" + r, ORGS), ORGS);
        Batch cli = cliBatch(env, env.orgs("c" + r, ORGS));
        Batch cliPar = cliParallel(env, env.orgs("k" + r, ORGS));
        sdkSum += sdk.provisionWall();
        cliSum += cli.provisionWall();
        ObjectNode round = rounds.addObject();
        round.set("sdk", sdk.toJson());
        round.set("cli", cli.toJson());
        round.set("cli_parallel", cliPar.toJson());
        round.put("cli_parallel_ratio", P1FindOverhead.round3((double) cliPar.provisionWall() / cli.provisionWall()));
        round.put("ratio", P1FindOverhead.round3((double) sdk.provisionWall() / cli.provisionWall()));
        Results.log("p2 round %d: SDK %d orgs on %d threads %.2f s, CLI sequential %.2f s -> %.3fx;"
            + " CLI all at once %.2f s -> %.3fx", r, ORGS, ORGS, sdk.provisionWall() / 1e9, cli.provisionWall() / 1e9,
            (double) sdk.provisionWall() / cli.provisionWall(), cliPar.provisionWall() / 1e9,
            (double) cliPar.provisionWall() / cli.provisionWall());
      }
      out.put("ratio", P1FindOverhead.round3((double) sdkSum / cliSum));

      Batch sequential = sdkBatch(env, incus, "sdk-1-thread", env.orgs("q", ORGS), 1);
      out.set("sdk_sequential", sequential.toJson());
      Results.log("p2: SDK %d orgs on 1 thread %.2f s (delete %.2f s)", ORGS, sequential.provisionWall() / 1e9,
          sequential.deleteWall() / 1e9);

      out.set("cli_steps", cliSteps(env, env.orgs("e", 3)));

      ArrayNode scaling = out.putArray("scaling");
      Batch one = sdkBatch(env, incus, "sdk-1", env.orgs("u", 1), 1);
      scaling.add(one.toJson());
      // the 10-org point is the first round above
      scaling.add(((ObjectNode) rounds.get(0).get("sdk")).deepCopy());
      Batch large = sdkBatch(env, incus, "sdk-" + LARGE, env.orgs("w", LARGE), LARGE);
      scaling.add(large.toJson());
      Results.log("p2 scaling: 1 org %.2f s, %d orgs %.2f s (delete %.2f s)", one.provisionWall() / 1e9, LARGE,
          large.provisionWall() / 1e9, large.deleteWall() / 1e9);
    }
    Results.write("p2", out);
  }

  /** Provisions {@code orgs} on {@code threads} threads, checks them, then deletes them on as many threads. */
  static Batch sdkBatch(Env env, IncusIsolationProvider incus, String how, List<String> orgs, int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Map<String, long[]> marks = new ConcurrentHashMap<>();
      CountDownLatch go = new CountDownLatch(1);
      List<Future<OrgContainer>> results = new ArrayList<>();
      for (String org : orgs) {
        results.add(pool.submit(() -> {
          go.await();
          long[] m = {System.nanoTime(), -1, -1, -1};
          marks.put(org, m);
          ProgressListener listener = e -> {
            long now = System.nanoTime();
            switch (e.step()) {
              case "create" -> m[1] = m[1] < 0 ? now : m[1];
              case "start" -> m[2] = m[2] < 0 ? now : m[2];
              default -> { }
            }
          };
          OrgContainer c = incus.provision(env.spec(org), listener);
          m[3] = System.nanoTime();
          return c;
        }));
      }
      CpuMeter cpu = CpuMeter.start();
      long t0 = System.nanoTime();
      go.countDown();
      List<OrgContainer> containers = new ArrayList<>();
      for (Future<OrgContainer> f : results) {
        containers.add(f.get());
      }
      long provisionWall = System.nanoTime() - t0;
      ObjectNode cpuUse = cpu.stop(Results.object());
      check(env, orgs, containers);

      Map<String, Long> deletes = new ConcurrentHashMap<>();
      List<Future<?>> deleted = new ArrayList<>();
      long t1 = System.nanoTime();
      for (String org : orgs) {
        deleted.add(pool.submit(() -> {
          long s = System.nanoTime();
          if (!incus.delete(OrgName.of(org))) {
            throw new IllegalStateException(org + " was not there to delete");
          }
          deletes.put(org, System.nanoTime() - s);
          return null;
        }));
      }
      for (Future<?> f : deleted) {
        f.get();
      }
      long deleteWall = System.nanoTime() - t1;
      List<OrgTiming> per = new ArrayList<>();
      for (String org : orgs) {
        long[] m = marks.get(org);
        per.add(new OrgTiming(org, m[3] - m[0], m[1] < 0 ? -1 : m[1] - m[0], m[1] < 0 || m[2] < 0 ? -1 : m[2] - m[1],
            m[2] < 0 ? -1 : m[3] - m[2], deletes.get(org)));
      }
      return new Batch(how, orgs.size(), threads, provisionWall, deleteWall, per, cpuUse);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void check(Env env, List<String> orgs, List<OrgContainer> containers) {
    Set<Ipv4Address> addresses = new HashSet<>();
    for (OrgContainer c : containers) {
      if (!c.isRunning() || c.limits().cpus() != 2 || !c.flags().nesting() || !c.flags().interceptMknod()
          || !c.flags().interceptSetxattr() || !env.bridgeSpec().isOrgAddress(c.address())
          || !addresses.add(c.address())) {
        throw new IllegalStateException("unexpected container after provision: " + c);
      }
    }
    if (containers.size() != orgs.size()) {
      throw new IllegalStateException("expected " + orgs.size() + " containers, got " + containers.size());
    }
  }

  /** {@code incus launch} of each org in turn, then {@code incus delete -f} of each in turn. */
  static Batch cliBatch(Env env, List<String> orgs) throws Exception {
    List<OrgTiming> per = new ArrayList<>();
    long[] launch = new long[orgs.size()];
    CpuMeter cpu = CpuMeter.start();
    long t0 = System.nanoTime();
    for (int i = 0; i < orgs.size(); i++) {
      launch[i] = Cli.check(env.launchCommand("launch", orgs.get(i), env.orgAddress(i))).nanos();
    }
    long provisionWall = System.nanoTime() - t0;
    ObjectNode cpuUse = cpu.stop(Results.object());
    checkCli(orgs);
    long[] delete = new long[orgs.size()];
    long t1 = System.nanoTime();
    for (int i = 0; i < orgs.size(); i++) {
      delete[i] = Cli.check(List.of("incus", "delete", "-f", orgs.get(i))).nanos();
    }
    long deleteWall = System.nanoTime() - t1;
    for (int i = 0; i < orgs.size(); i++) {
      per.add(new OrgTiming(orgs.get(i), launch[i], -1, -1, -1, delete[i]));
    }
    return new Batch("cli-sequential", orgs.size(), 1, provisionWall, deleteWall, per, cpuUse);
  }

  /**
   * All {@code incus launch} processes at once, then all {@code incus delete -f} at once: how far the daemon itself
   * goes with concurrent requests, whoever the client. Reference only; not what the target compares with.
   */
  static Batch cliParallel(Env env, List<String> orgs) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(orgs.size());
    try {
      List<Future<Cli.Result>> launches = new ArrayList<>();
      CpuMeter cpu = CpuMeter.start();
      long t0 = System.nanoTime();
      for (int i = 0; i < orgs.size(); i++) {
        List<String> cmd = env.launchCommand("launch", orgs.get(i), env.orgAddress(i));
        launches.add(pool.submit(() -> Cli.check(cmd)));
      }
      List<OrgTiming> per = new ArrayList<>();
      for (Future<Cli.Result> f : launches) {
        f.get();
      }
      long provisionWall = System.nanoTime() - t0;
      ObjectNode cpuUse = cpu.stop(Results.object());
      checkCli(orgs);
      List<Future<Cli.Result>> deletes = new ArrayList<>();
      long t1 = System.nanoTime();
      for (String org : orgs) {
        deletes.add(pool.submit(() -> Cli.check(List.of("incus", "delete", "-f", org))));
      }
      for (int i = 0; i < orgs.size(); i++) {
        per.add(new OrgTiming(orgs.get(i), launches.get(i).get().nanos(), -1, -1, -1, deletes.get(i).get().nanos()));
      }
      long deleteWall = System.nanoTime() - t1;
      return new Batch("cli-parallel", orgs.size(), orgs.size(), provisionWall, deleteWall, per, cpuUse);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void checkCli(List<String> orgs) throws Exception {
    for (String org : orgs) {
      JsonNode inst = Results.JSON.readTree(Cli.output("incus", "query", "/1.0/instances/" + org));
      if (!"Running".equals(inst.path("status").asText())) {
        throw new IllegalStateException("CLI-launched " + org + " is " + inst.path("status").asText());
      }
    }
  }

  /** The CLI's create, start and delete as separate commands ({@code incus init}, {@code start}, {@code delete -f}). */
  static ObjectNode cliSteps(Env env, List<String> orgs) {
    List<Long> create = new ArrayList<>();
    List<Long> start = new ArrayList<>();
    List<Long> delete = new ArrayList<>();
    for (int i = 0; i < orgs.size(); i++) {
      create.add(Cli.check(env.launchCommand("init", orgs.get(i), env.orgAddress(i))).nanos());
      start.add(Cli.check(List.of("incus", "start", orgs.get(i))).nanos());
    }
    for (String org : orgs) {
      delete.add(Cli.check(List.of("incus", "delete", "-f", org)).nanos());
    }
    ObjectNode n = Results.object();
    n.put("orgs", orgs.size());
    addStats(n, "create", create);
    addStats(n, "start", start);
    addStats(n, "delete", delete);
    return n;
  }
}
