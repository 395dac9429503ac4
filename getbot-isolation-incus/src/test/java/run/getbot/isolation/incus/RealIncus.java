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
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.incus.internal.IncusResponse;
import run.getbot.isolation.incus.internal.IncusTransport;
import run.getbot.isolation.incus.internal.Json;

/**
 * The real Incus daemon the ITs use: where it is, whether it answers, the busybox test image and the Docker-in-Incus
 * image (each imported once per JVM through the SDK's own import), unique bridge and pool names, and the removal of
 * leftovers of earlier runs.
 */
public final class RealIncus {

  /** Alias the test image gets. */
  static final String IMAGE_ALIAS = "getbot-test-busybox";
  /** Alias the Docker-in-Incus image gets. */
  public static final String DOCKER_IMAGE_ALIAS = "getbot-test-docker";
  /** Prefix of every bridge and pool an IT creates. */
  static final String PREFIX = "gbt-";
  /** Leftovers younger than this may belong to a run in progress and are kept. */
  private static final long STALE_MINUTES = 30;

  /** Names made by {@link #uniqueName()}: prefix, creation minute in base 36, 3 random characters, any suffix. */
  private static final java.util.regex.Pattern STAMPED =
      // The minute stamp is 5 base-36 digits until 2038 (6 after): accept both.
      java.util.regex.Pattern.compile("gbt-([0-9a-z]{5,6})[0-9a-z]{3}(-[a-z0-9-]*)?");

  private static Optional<String> unavailable;
  private static ImageRef image;
  private static ImageRef dockerImage;
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
      image = importImage(testImageFile(), IMAGE_ALIAS, "GETBOT_TEST_IMAGE_FINGERPRINT");
    }
    return image;
  }

  /**
   * The Docker-in-Incus image (Debian, systemd, Docker, Compose), imported through the SDK from
   * {@link #dockerImageFile()} as {@value #DOCKER_IMAGE_ALIAS}. It stays on the daemon for the next run, like the
   * busybox image; an alias left by an earlier build is moved to this one.
   */
  public static synchronized ImageRef dockerImage() {
    if (dockerImage == null) {
      dockerImage = importImage(dockerImageFile(), DOCKER_IMAGE_ALIAS, "GETBOT_DOCKER_IMAGE_FINGERPRINT");
    }
    return dockerImage;
  }

  /** Imports {@code tarball} as {@code alias} and checks its fingerprint against {@code $fingerprintVariable}. */
  private static ImageRef importImage(Path tarball, String alias, String fingerprintVariable) {
    try (IncusIsolationProvider p = provider()) {
      ImageImport imported;
      try {
        imported = p.importImage(tarball, alias);
      } catch (ConflictException stale) {
        dropAlias(alias);
        imported = p.importImage(tarball, alias);
      }
      String expected = System.getenv(fingerprintVariable);
      if (expected != null && !expected.isBlank() && !expected.trim().equals(imported.fingerprint())) {
        throw new AssertionError("imported fingerprint " + imported.fingerprint() + " != " + fingerprintVariable
            + " " + expected);
      }
      return imported.image();
    }
  }

  /** Deletes {@code alias}, and the image it named when no other alias names that image. */
  private static void dropAlias(String alias) {
    try (IncusTransport t = IncusTransport.unixSocket(socket(), "default")) {
      String old = Json.text(t.get("reading alias " + alias, "/1.0/images/aliases/" + alias).metadata(), "target");
      Cli.incus("image", "alias", "delete", alias).requireOk("incus image alias delete " + alias);
      if (t.get("reading image " + old, "/1.0/images/" + old).metadata().path("aliases").isEmpty()) {
        Cli.incus("image", "delete", old).requireOk("incus image delete " + old);
      }
      System.err.println("RealIncus: alias " + alias + " named an earlier build " + old + "; dropped it");
    }
  }

  /** The unified busybox test image: {@code $GETBOT_TEST_IMAGE}, else built into a temp dir. */
  public static synchronized Path testImageFile() {
    return imageFile("GETBOT_TEST_IMAGE", "build-test-image.sh", null, "getbot-busybox.tar.gz",
        Duration.ofMinutes(5));
  }

  /**
   * The unified Docker-in-Incus image: {@code $GETBOT_DOCKER_IMAGE}, else built (or found up to date) by
   * {@code scripts/build-docker-image.sh} in the cache ({@code $GETBOT_CACHE}, default
   * {@code /var/cache/getbot-isolation}); a cold build needs root and takes minutes.
   */
  public static synchronized Path dockerImageFile() {
    String cache = System.getenv("GETBOT_CACHE");
    Path out = Path.of(cache == null || cache.isBlank() ? "/var/cache/getbot-isolation" : cache);
    return imageFile("GETBOT_DOCKER_IMAGE", "build-docker-image.sh", out, "getbot-docker.tar.gz",
        Duration.ofMinutes(30));
  }

  /**
   * {@code $variable}, else the file {@code scripts/SCRIPT OUTDIR} writes as {@code name} into {@code outDir} (a new
   * temp dir when null). Without either the test is skipped, or fails with {@code GETBOT_REQUIRE_REAL=1}.
   */
  private static Path imageFile(String variable, String script, Path outDir, String name, Duration timeout) {
    String env = System.getenv(variable);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path builder = findScript(script);
    String problem;
    if (builder == null) {
      problem = variable + " is unset and scripts/" + script + " was not found";
    } else {
      try {
        Path out = outDir != null ? outDir : Files.createTempDirectory("getbot-image");
        Process p = new ProcessBuilder(builder.toString(), out.toString()).inheritIO().start();
        if (p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS) && p.exitValue() == 0) {
          return out.resolve(name);
        }
        p.destroyForcibly();
        problem = builder + " failed (exit " + (p.isAlive() ? "timeout" : p.exitValue()) + ")";
      } catch (IOException e) {
        problem = "cannot run " + builder + ": " + e;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        problem = "interrupted";
      }
    }
    if (requireReal()) {
      throw new AssertionError("GETBOT_REQUIRE_REAL=1 but there is no " + name + ": " + problem);
    }
    Assumptions.abort("no " + name + ": " + problem);
    return null;
  }

  private static Path findScript(String script) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path s = dir.resolve("scripts").resolve(script);
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
