package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.lang.ref.Reference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import javax.management.ObjectName;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.incus.IncusIsolationProvider;

/**
 * P5: the heap a provider managing 100 orgs retains after GC, and the time to the first call in a fresh JVM.
 *
 * <p>Heap: in a fresh JVM, live heap before the SDK is touched (baseline), after building the provider and one call
 * (empty), and after provisioning 100 orgs, {@code list()} and one {@code find} of each with the results dropped (the
 * provider still referenced). Two measures: used heap after {@code System.gc()} from {@code MemoryMXBean}, and the
 * total of a class histogram ({@code GC.class_histogram}, which counts live objects after a full GC), whose
 * per-class delta shows what grew. The histograms go straight to files so they do not count themselves.
 */
final class P5Footprint {

  private static final int ORGS = Integer.getInteger("gbb.p5.orgs", 100);
  private static final int RUNS = Integer.getInteger("gbb.p5.firstcall.runs", 5);

  private P5Footprint() {}

  static void run() throws Exception {
    Env env = Env.load();
    ObjectNode out = Results.object();
    Path histo0 = Results.dir().resolve("p5-histogram-before.txt");
    Path histo2 = Results.dir().resolve("p5-histogram-after.txt");

    Path histo1 = Results.dir().resolve("p5-histogram-warm.txt");
    histogramTo(histo0);
    long h0 = usedAfterGc();

    // The provider after one full cycle on one org (provision, find, list, delete): every code path loaded once,
    // so that the growth from here to 100 orgs is what the orgs cost, not classes loaded on first use.
    IncusIsolationProvider incus = env.provider();
    OrgName warm = OrgName.of(env.org("v", 0));
    incus.provision(env.spec(warm.value()));
    incus.find(warm).orElseThrow();
    incus.list();
    incus.delete(warm);
    long h1 = usedAfterGc();
    histogramTo(histo1);

    List<String> orgs = env.orgs("h", ORGS);
    ExecutorService pool = Executors.newFixedThreadPool(10);
    long t0 = System.nanoTime();
    List<Future<OrgContainer>> futures = new ArrayList<>();
    for (String org : orgs) {
      futures.add(pool.submit(() -> incus.provision(env.spec(org))));
    }
    for (Future<OrgContainer> f : futures) {
      f.get();
    }
    long provisionWall = System.nanoTime() - t0;
    futures = null;
    // The harness's threads go before measuring: their thread-locals (Jackson's buffers) are not the provider's.
    pool.shutdown();
    pool.awaitTermination(1, java.util.concurrent.TimeUnit.MINUTES);
    pool = null;
    int listed = incus.list().size();
    for (String org : orgs) {
      incus.find(OrgName.of(org)).orElseThrow();
    }
    Results.log("p5: %d orgs provisioned on 10 threads in %.1f s; list() returns %d", ORGS, provisionWall / 1e9,
        listed);
    long h2 = usedAfterGc();
    histogramTo(histo2);

    out.put("orgs", ORGS);
    out.put("listed", listed);
    out.put("heap_baseline_bytes", h0);
    out.put("provider_warm_delta_bytes", h1 - h0);
    out.put("provider_100_orgs_delta_bytes", h2 - h0);
    out.put("per_org_bytes", (h2 - h1) / (double) ORGS);
    out.set("histogram", histogramDelta(histo0, histo2));
    out.set("histogram_orgs", histogramDelta(histo1, histo2));
    out.put("provision_100_wall_ms", Stats.ms(provisionWall));
    Results.log("p5: retained after GC: %.2f MB after one org cycle, %.2f MB with %d orgs (MemoryMXBean); histogram delta"
        + " %.2f MB", (h1 - h0) / 1e6, (h2 - h0) / 1e6, ORGS, out.get("histogram").get("total_delta_bytes").asLong()
        / 1e6);

    // time to first call, fresh JVMs, while the orgs exist
    ArrayNode first = out.putArray("first_call");
    for (int i = 0; i < RUNS; i++) {
      for (String mode : List.of("plain", "native-first")) {
        first.add(firstCall(mode, orgs.get(i), env.socket()));
      }
    }
    for (int i = 0; i < RUNS; i++) {
      for (String mode : List.of("okhttp-default", "okhttp-cleartext")) {
        first.add(firstCall(mode, orgs.get(i), env.socket()));
      }
    }
    for (String mode : List.of("plain", "native-first", "okhttp-default", "okhttp-cleartext")) {
      ObjectNode m = out.putObject("first_call_median_" + mode.replace('-', '_'));
      for (String key : List.of("spawn_to_main_ms", "native_load_ms", "build_ms", "first_find_ms", "second_find_ms",
          "main_to_first_result_ms", "spawn_to_first_result_ms", "process_wall_ms", "okhttp_build_ms",
          "okhttp_retained_bytes")) {
        List<Double> values = new ArrayList<>();
        for (JsonNode r : first) {
          if (r.get("mode").asText().equals(mode) && r.hasNonNull(key)) {
            values.add(r.get(key).asDouble());
          }
        }
        if (!values.isEmpty()) {
          values.sort(null);
          int n = values.size();
          m.put(key, n % 2 == 1 ? values.get(n / 2) : (values.get(n / 2 - 1) + values.get(n / 2)) / 2);
        }
      }
    }
    Results.log("p5: first call in a fresh JVM: %s", out.get("first_call_median_plain"));

    ExecutorService deleters = Executors.newFixedThreadPool(10);
    long t1 = System.nanoTime();
    List<Future<Boolean>> deleted = new ArrayList<>();
    for (String org : orgs) {
      deleted.add(deleters.submit(() -> incus.delete(OrgName.of(org))));
    }
    for (Future<Boolean> f : deleted) {
      f.get();
    }
    out.put("delete_100_wall_ms", Stats.ms(System.nanoTime() - t1));
    deleters.shutdown();
    Reference.reachabilityFence(incus);
    incus.close();
    Results.write("p5", out);
  }

  private static ObjectNode firstCall(String mode, String org, Path socket) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = List.of(java, "-cp", System.getProperty("java.class.path"),
        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", FirstCall.class.getName().replace("FirstCall", "Bench"),
        "first-call", mode, org, socket.toString(), "SPAWN");
    List<String> real = new ArrayList<>(cmd);
    long spawn = System.nanoTime();
    real.set(real.size() - 1, Long.toString(spawn));
    Cli.Result r = Cli.run(real);
    long wall = System.nanoTime() - spawn;
    if (r.exit() != 0) {
      throw new IllegalStateException("first-call JVM failed: " + r.output());
    }
    String line = r.output().lines().filter(l -> l.startsWith("{")).reduce((a, b) -> b).orElseThrow();
    ObjectNode n = (ObjectNode) Results.JSON.readTree(line);
    n.put("process_wall_ms", Stats.ms(wall));
    return n;
  }

  private static long usedAfterGc() throws InterruptedException {
    long last = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(50);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < 4096) {
        return used;
      }
      last = used;
    }
    return last;
  }

  private static void histogramTo(Path file) throws Exception {
    String text = (String) ManagementFactory.getPlatformMBeanServer().invoke(
        new ObjectName("com.sun.management:type=DiagnosticCommand"), "gcClassHistogram",
        new Object[] {new String[0]}, new String[] {String[].class.getName()});
    Files.writeString(file, text);
  }

  /** Total and the 12 classes that grew most, from two histogram files. */
  private static ObjectNode histogramDelta(Path before, Path after) throws Exception {
    Map<String, long[]> b = parse(before);
    Map<String, long[]> a = parse(after);
    ObjectNode n = Results.object();
    long totalBefore = b.getOrDefault("Total", new long[2])[1];
    long totalAfter = a.getOrDefault("Total", new long[2])[1];
    n.put("total_before_bytes", totalBefore);
    n.put("total_after_bytes", totalAfter);
    n.put("total_delta_bytes", totalAfter - totalBefore);
    List<Map.Entry<String, long[]>> grew = new ArrayList<>();
    for (Map.Entry<String, long[]> e : a.entrySet()) {
      if (e.getKey().equals("Total")) {
        continue;
      }
      long[] was = b.getOrDefault(e.getKey(), new long[2]);
      grew.add(Map.entry(e.getKey(), new long[] {e.getValue()[0] - was[0], e.getValue()[1] - was[1]}));
    }
    grew.sort(Comparator.comparingLong((Map.Entry<String, long[]> e) -> e.getValue()[1]).reversed());
    ArrayNode top = n.putArray("top_growth");
    for (Map.Entry<String, long[]> e : grew.subList(0, Math.min(12, grew.size()))) {
      top.addObject().put("class", e.getKey()).put("instances", e.getValue()[0]).put("bytes", e.getValue()[1]);
    }
    return n;
  }

  private static Map<String, long[]> parse(Path file) throws Exception {
    Map<String, long[]> m = new HashMap<>();
    for (String line : Files.readAllLines(file)) {
      String[] f = line.trim().split("\\s+");
      if (f.length >= 4 && f[0].endsWith(":")) {
        m.merge(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])},
            (x, y) -> new long[] {x[0] + y[0], x[1] + y[1]});
      } else if (f.length >= 3 && f[0].equals("Total")) {
        m.put("Total", new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
      }
    }
    return m;
  }
}
