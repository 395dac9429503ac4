package run.getbot.isolation.incus;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.incus.internal.IncusResponse;
import run.getbot.isolation.incus.internal.IncusTransport;
import run.getbot.isolation.incus.internal.Json;

/**
 * The real Incus daemon the ITs use: where it is, whether it answers, the test image (imported once per JVM through
 * the SDK's own import), unique bridge and pool names, and the removal of leftovers of earlier runs.
 */
public final class RealIncus {

  /** Alias the test image gets. */
  static final String IMAGE_ALIAS = "getbot-test-busybox";
  /** Prefix of every bridge and pool an IT creates. */
  static final String PREFIX = "gbt-";
  /** Leftovers younger than this may belong to a run in progress and are kept. */
  private static final long STALE_MINUTES = 30;

  /** Names made by {@link #uniqueName()}: prefix, creation minute in base 36, 3 random characters, any suffix. */
  private static final java.util.regex.Pattern STAMPED =
      java.util.regex.Pattern.compile("gbt-([0-9a-z]{6})[0-9a-z]{3}(-[a-z0-9-]*)?");

  private static Optional<String> unavailable;
  private static ImageRef image;
  private static boolean cleaned;

  private RealIncus() {}

  /** {@code GETBOT_INCUS_SOCKET}, else {@code INCUS_SOCKET}, else the default path. */
  public static Path socket() {
    for (String var : List.of("GETBOT_INCUS_SOCKET", "INCUS_SOCKET")) {
      String v = System.getenv(var);
      if (v != null && !v.isBlank()) {
        return Path.of(v);
      }
    }
    return IncusIsolationProvider.DEFAULT_SOCKET;
  }

  /** True when {@code GETBOT_REQUIRE_REAL=1}: a missing daemon or image fails instead of skipping. */
  public static boolean requireReal() {
    return "1".equals(System.getenv("GETBOT_REQUIRE_REAL"));
  }

  /** Why no daemon can be used, or empty when one answers. */
  static synchronized Optional<String> unavailable() {
    if (unavailable == null) {
      Path socket = socket();
      if (!Files.exists(socket)) {
        unavailable = Optional.of("no Incus socket at " + socket);
      } else {
        try (IncusTransport t = IncusTransport.unixSocket(socket, "default")) {
          IncusResponse r = t.get("probing Incus", "/1.0");
          unavailable = "trusted".equals(Json.text(r.metadata(), "auth")) ? Optional.empty()
              : Optional.of("the Incus daemon on " + socket + " does not trust this user");
        } catch (RuntimeException e) {
          unavailable = Optional.of("no Incus daemon answers on " + socket + ": " + e.getMessage());
        }
      }
    }
    return unavailable;
  }

  /** A provider on the tests' socket with short timeouts. */
  public static IncusIsolationProvider provider() {
    return IncusIsolationProvider.builder().socket(socket()).stopGracePeriod(Duration.ofSeconds(10))
        .operationTimeout(Duration.ofMinutes(2)).execTimeout(Duration.ofMinutes(1)).build();
  }

  /**
   * The busybox test image, imported through {@link IncusIsolationProvider#importImage} from
   * {@code GETBOT_TEST_IMAGE}, or built with {@code scripts/build-test-image.sh} when that is unset.
   */
  public static synchronized ImageRef image() {
    if (image == null) {
      Path tarball = testImageFile();
      try (IncusIsolationProvider p = provider()) {
        ImageImport imported = p.importImage(tarball, IMAGE_ALIAS);
        String expected = System.getenv("GETBOT_TEST_IMAGE_FINGERPRINT");
        if (expected != null && !expected.isBlank() && !expected.trim().equals(imported.fingerprint())) {
          throw new AssertionError("imported fingerprint " + imported.fingerprint() + " != GETBOT_TEST_IMAGE_"
              + "FINGERPRINT " + expected);
        }
        image = imported.image();
      }
    }
    return image;
  }

  /** The unified test image tarball. */
  public static synchronized Path testImageFile() {
    String env = System.getenv("GETBOT_TEST_IMAGE");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path script = findScript();
    String problem;
    if (script == null) {
      problem = "GETBOT_TEST_IMAGE is unset and scripts/build-test-image.sh was not found";
    } else {
      try {
        Path out = Files.createTempDirectory("getbot-image");
        Process p = new ProcessBuilder(script.toString(), out.toString()).inheritIO().start();
        if (p.waitFor(5, TimeUnit.MINUTES) && p.exitValue() == 0) {
          return out.resolve("getbot-busybox.tar.gz");
        }
        p.destroyForcibly();
        problem = script + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")";
      } catch (IOException e) {
        problem = "cannot run " + script + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "interrupted";
      }
    }
    if (requireReal()) {
      throw new AssertionError("GETBOT_REQUIRE_REAL=1 but there is no test image: " + problem);
    }
    Assumptions.abort("no test image: " + problem);
    return null;
  }

  private static Path findScript() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path s = dir.resolve("scripts/build-test-image.sh");
      if (Files.isExecutable(s)) {
        return s;
      }
    }
    return null;
  }

  // ------------------------------------------------------------------------------------------- names, cleanup

  /** A fresh bridge name: {@code gbt-} + creation minute (base 36) + 3 random characters; at most 15 characters. */
  public static String uniqueName() {
    long minutes = System.currentTimeMillis() / 60_000;
    String stamp = Long.toString(minutes, 36);
    StringBuilder sb = new StringBuilder(PREFIX).append(stamp);
    for (int i = 0; i < 3; i++) {
      sb.append(Character.forDigit(ThreadLocalRandom.current().nextInt(36), 36));
    }
    return sb.toString();
  }

  /** A bridge with a unique name on a 10.198.X.0/24 subnet no other network uses. */
  public static BridgeSpec freshBridge() {
    cleanLeftovers();
    List<long[]> taken = new ArrayList<>(); // [first, last] address of every network's IPv4 subnet
    try (IncusTransport t = IncusTransport.unixSocket(socket(), "default")) {
      for (JsonNode n : t.get("listing networks", "/1.0/networks?recursion=1").metadata()) {
        String cidr = Json.text(Json.obj(n, "config"), "ipv4.address");
        int slash = cidr.indexOf('/');
        if (slash > 0 && Ipv4Address.isValid(cidr.substring(0, slash))) {
          long ip = Integer.toUnsignedLong(Ipv4Address.parse(cidr.substring(0, slash)).bits());
          long size = 1L << (32 - Integer.parseInt(cidr.substring(slash + 1)));
          long first = ip & ~(size - 1);
          taken.add(new long[] {first, first + size - 1});
        }
      }
    }
    // The contract suite puts extra bridges up to 51 subnets above the base one: keep that whole range free.
    long base = Integer.toUnsignedLong(Ipv4Address.parse("10.198.0.0").bits());
    int start = ThreadLocalRandom.current().nextInt(200);
    for (int i = 0; i < 200; i++) {
      int x = (start + i) % 200;
      long lo = base + x * 256L;
      long hi = lo + 52 * 256L - 1;
      if (taken.stream().noneMatch(r -> r[0] <= hi && lo <= r[1])) {
        return BridgeSpec.of(uniqueName(), "10.198." + x + ".0/24");
      }
    }
    throw new AssertionError("no free 10.198.x.0/24 subnet");
  }

  /** A pool named like {@code bridge}, at Incus' default place. */
  public static PoolSpec freshPool(BridgeSpec bridge) {
    return PoolSpec.dir(bridge.name());
  }

  /** Deletes {@code gbt-} networks and pools (and the instances on them) left by runs older than 30 minutes. */
  static synchronized void cleanLeftovers() {
    if (cleaned) {
      return;
    }
    cleaned = true;
    long now = System.currentTimeMillis() / 60_000;
    try (IncusTransport t = IncusTransport.unixSocket(socket(), "default")) {
      for (String kind : List.of("networks", "storage-pools")) {
        for (JsonNode n : t.get("listing " + kind, "/1.0/" + kind + "?recursion=1").metadata()) {
          String name = Json.text(n, "name");
          if (!name.startsWith("gbt")) {
            continue;
          }
          java.util.regex.Matcher m = STAMPED.matcher(name);
          boolean unused = n.path("used_by").isEmpty();
          if (m.matches()) {
            if (now - Long.parseLong(m.group(1), 36) < STALE_MINUTES) {
              continue;
            }
          } else if (!unused) {
            continue; // someone else's naming: only removed when nothing uses it
          }
          List<String> users = new ArrayList<>();
          n.path("used_by").forEach(u -> users.add(u.asText()));
          for (String u : users) {
            if (u.startsWith("/1.0/instances/")) {
              String inst = u.substring("/1.0/instances/".length()).replaceAll("\\?.*", "");
              Cli.incus("delete", "--force", inst);
            }
          }
          Cli.incus(kind.equals("networks") ? "network" : "storage", "delete", name);
          System.err.println("RealIncus: removed leftover " + kind + " " + name);
        }
      }
    }
  }

  /** Skips (or, with {@code GETBOT_REQUIRE_REAL=1}, fails) tests when no daemon answers. */
  public static final class Condition implements ExecutionCondition {
    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
      Optional<String> why = unavailable();
      if (why.isEmpty()) {
        return ConditionEvaluationResult.enabled("Incus answers on " + socket());
      }
      if (requireReal()) {
        throw new IllegalStateException("GETBOT_REQUIRE_REAL=1 but " + why.get() + ". Start incusd "
            + "(scripts/start-incus.sh as root) or set INCUS_SOCKET");
      }
      return ConditionEvaluationResult.disabled(why.get() + " (set GETBOT_REQUIRE_REAL=1 to fail instead)");
    }
  }

}
