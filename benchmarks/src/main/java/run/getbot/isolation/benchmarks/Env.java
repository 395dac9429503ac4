package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.SecurityFlags;
import run.getbot.isolation.incus.IncusIsolationProvider;

/**
 * What one benchmark run created on the Incus daemon: its own bridge ({@code gbb-RUN}, a free 10.197.x.0/24), its own
 * dir pool ({@code gbb-RUN}) and its own alias of the busybox test image. Every instance is named
 * {@code gbb-RUN-...}. Written by {@code setup} to {@code env.json}, read by every later phase.
 */
record Env(String run, String bridge, String subnet, String pool, String alias, String fingerprint, Path socket) {

  /** The spec every benchmark provisions: the product's limits and flags, one label, the run's bridge and pool. */
  OrgSpec spec(String org) {
    return OrgSpec.builder(OrgName.of(org), ImageRef.alias(alias))
        .limits(ResourceLimits.of(2, MemorySize.gigabytes(3)))
        .flags(SecurityFlags.DOCKER)
        .label("bench", run)
        .bridge(bridgeSpec())
        .pool(poolSpec())
        .build();
  }

  BridgeSpec bridgeSpec() {
    return BridgeSpec.of(bridge, subnet);
  }

  PoolSpec poolSpec() {
    return PoolSpec.dir(pool);
  }

  /** The n-th org address of the bridge (0 → .100), as the SDK hands them out on an empty bridge. */
  Ipv4Address orgAddress(int n) {
    return bridgeSpec().firstOrgAddress().plus(n);
  }

  String org(String kind, int n) {
    return "gbb-" + run + "-" + kind + String.format("%03d", n);
  }

  List<String> orgs(String kind, int count) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(org(kind, i));
    }
    return out;
  }

  /** The {@code incus launch} of the same spec as {@link #spec}: no profiles, same limits, flags, keys, static IP. */
  List<String> launchCommand(String verb, String org, Ipv4Address ip) {
    return List.of("incus", verb, alias, org, "--quiet", "--no-profiles", "-s", pool, "-n", bridge,
        "-d", "eth0,ipv4.address=" + ip, "-d", "eth0,security.port_isolation=true",
        "-c", "limits.cpu=2", "-c", "limits.memory=3GB",
        "-c", "security.nesting=true", "-c", "security.syscalls.intercept.mknod=true",
        "-c", "security.syscalls.intercept.setxattr=true",
        "-c", "user.getbot.managed=true", "-c", "user.getbot.spec-version=1",
        "-c", "user.getbot.label.bench=" + run, "--description", "getbot org " + org);
  }

  IncusIsolationProvider provider() {
    return IncusIsolationProvider.builder().socket(socket).build();
  }

  ObjectNode toJson() {
    ObjectNode n = Results.object();
    n.put("run", run).put("bridge", bridge).put("subnet", subnet).put("pool", pool).put("alias", alias)
        .put("fingerprint", fingerprint).put("socket", socket.toString());
    return n;
  }

  static Env load() {
    JsonNode n = Results.read("env").orElseThrow(() -> new IllegalStateException(
        "no env.json in " + Results.dir() + ": run the 'setup' phase first"));
    return new Env(n.get("run").asText(), n.get("bridge").asText(), n.get("subnet").asText(), n.get("pool").asText(),
        n.get("alias").asText(), n.get("fingerprint").asText(), Path.of(n.get("socket").asText()));
  }

  static Path socketPath() {
    String s = System.getenv("INCUS_SOCKET");
    return Path.of(s != null && !s.isBlank() ? s : "/var/lib/incus/unix.socket");
  }
}
