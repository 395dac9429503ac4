package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import run.getbot.isolation.incus.ImageImport;
import run.getbot.isolation.incus.IncusIsolationProvider;

/** Creates and removes what a benchmark run needs on the Incus daemon. Only names starting {@code gbb-RUN} are touched. */
final class IncusFixture {

  private IncusFixture() {}

  static void setup(String run, Path imageTarball) throws Exception {
    String subnet = freeSubnet();
    String name = "gbb-" + run;
    Env env = new Env(run, name, subnet, name, name + "-busybox", "", Env.socketPath());
    try (IncusIsolationProvider incus = env.provider()) {
      incus.ensureBridge(env.bridgeSpec());
      incus.ensurePool(env.poolSpec());
      ImageImport imported = incus.importImage(imageTarball, env.alias());
      env = new Env(run, name, subnet, name, env.alias(), imported.fingerprint(), env.socket());
      Results.log("setup: bridge %s (%s), pool %s, image alias %s -> %s%s", env.bridge(), subnet, env.pool(),
          env.alias(), imported.fingerprint().substring(0, 12), imported.uploaded() ? " (uploaded)" : "");
    }
    Results.write("env", env.toJson());
  }

  /** A 10.197.x.0/24 that no network on the daemon uses or overlaps. */
  private static String freeSubnet() throws Exception {
    JsonNode networks = Results.JSON.readTree(Cli.output("incus", "query", "/1.0/networks?recursion=1"));
    Set<Integer> used = new HashSet<>();
    for (JsonNode n : networks) {
      String address = n.path("config").path("ipv4.address").asText("");
      if (address.startsWith("10.197.")) {
        used.add(Integer.parseInt(address.split("\\.")[2]));
      }
    }
    for (int attempt = 0; attempt < 1000; attempt++) {
      int x = ThreadLocalRandom.current().nextInt(2, 254);
      if (!used.contains(x)) {
        return "10.197." + x + ".0/24";
      }
    }
    throw new IllegalStateException("no free 10.197.x.0/24");
  }

  /** Force-deletes every instance named {@code gbb-RUN-*}, in parallel. Returns how many there were. */
  static int deleteInstances(String run) throws Exception {
    JsonNode instances = Results.JSON.readTree(Cli.output("incus", "query", "/1.0/instances?recursion=0"));
    String prefix = "/1.0/instances/gbb-" + run + "-";
    List<String> names = new ArrayList<>();
    for (JsonNode url : instances) {
      String u = url.asText();
      if (u.startsWith(prefix)) {
        names.add(u.substring("/1.0/instances/".length()).replaceAll("\\?.*", ""));
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Cli.Result>> done = new ArrayList<>();
      for (String n : names) {
        done.add(pool.submit(() -> Cli.run(List.of("incus", "delete", "-f", n))));
      }
      for (Future<Cli.Result> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return names.size();
  }

  static void cleanup(String run) throws Exception {
    int leftovers = deleteInstances(run);
    String name = "gbb-" + run;
    List<String> notes = new ArrayList<>();
    if (leftovers > 0) {
      notes.add(leftovers + " leftover instance(s) deleted");
    }
    if (Cli.run(List.of("incus", "image", "alias", "delete", name + "-busybox")).exit() == 0) {
      notes.add("alias " + name + "-busybox");
    }
    if (Cli.run(List.of("incus", "network", "delete", name)).exit() == 0) {
      notes.add("bridge " + name);
    }
    if (Cli.run(List.of("incus", "storage", "delete", name)).exit() == 0) {
      notes.add("pool " + name);
    }
    Path poolDir = Path.of("/var/lib/incus/storage-pools", name);
    if (Files.isDirectory(poolDir)) {
      try (var s = Files.list(poolDir)) {
        if (s.findAny().isEmpty()) {
          Files.delete(poolDir);
        }
      }
    }
    Results.log("cleanup: %s", notes.isEmpty() ? "nothing to remove" : String.join(", ", notes));
  }
}
