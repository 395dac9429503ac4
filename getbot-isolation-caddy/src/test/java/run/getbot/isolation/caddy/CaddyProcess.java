package run.getbot.isolation.caddy;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import run.getbot.isolation.caddy.internal.Json;

/**
 * A real {@code caddy run} for one test class, on loopback only: admin on a free loopback port (or a unix socket), the
 * HTTP/HTTPS ports of Caddy's automatic HTTPS on free loopback ports, config and data (certificates, autosave) in a
 * temp dir. Before each test the config is reset to the boot config; after the class Caddy is stopped with
 * {@code POST /stop}, then the process is destroyed.
 *
 * <p>The binary is {@code $GETBOT_CADDY_BIN} or {@code caddy} on the {@code PATH}. When there is none the tests are
 * skipped, unless {@code GETBOT_REQUIRE_REAL=1}: then they fail.
 */
public final class CaddyProcess implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  private static final MediaType JSON = MediaType.get("application/json");

  private final boolean unixSocket;
  private Path binary;
  private Path dir;
  private Process process;
  private int adminPort;
  private Path socket;
  private int httpPort;
  private int httpsPort;
  private ObjectNode boot;
  private OkHttpClient http;

  private CaddyProcess(boolean unixSocket) {
    this.unixSocket = unixSocket;
  }

  /** Admin API on a loopback TCP port. */
  public static CaddyProcess tcp() {
    return new CaddyProcess(false);
  }

  /** Admin API on a unix socket. */
  static CaddyProcess unixSocket() {
    return new CaddyProcess(true);
  }

  /** The Caddy binary to test with: {@code $GETBOT_CADDY_BIN}, else {@code caddy} on the {@code PATH}. */
  static Optional<Path> findCaddy() {
    String override = System.getenv("GETBOT_CADDY_BIN");
    if (override != null && !override.isBlank()) {
      Path path = Path.of(override);
      return Files.isExecutable(path) ? Optional.of(path) : Optional.empty();
    }
    String pathVar = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String entry : pathVar.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, "caddy");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  /** The binary, or skip (fail with {@code GETBOT_REQUIRE_REAL=1}) when there is none. */
  static Path requireCaddy() {
    Optional<Path> found = findCaddy();
    if (found.isPresent()) {
      return found.get();
    }
    String where = System.getenv("GETBOT_CADDY_BIN") != null
        ? "GETBOT_CADDY_BIN=" + System.getenv("GETBOT_CADDY_BIN") + " is not an executable file"
        : "no 'caddy' executable on the PATH";
    if ("1".equals(System.getenv("GETBOT_REQUIRE_REAL"))) {
      fail("Real Caddy required (GETBOT_REQUIRE_REAL=1) but " + where
          + ". Install it (Debian: apt-get install caddy; scripts/test.sh does) or point GETBOT_CADDY_BIN at it.");
    }
    Assumptions.abort("Caddy ITs skipped: " + where + " (set GETBOT_REQUIRE_REAL=1 to make this a failure)");
    throw new AssertionError("unreachable");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    binary = requireCaddy();
    dir = Files.createTempDirectory(Path.of("/tmp"), "gbcaddy");
    httpPort = freePort();
    httpsPort = freePort();
    ObjectNode admin = Json.object();
    if (unixSocket) {
      socket = dir.resolve("admin.sock");
      admin.put("listen", "unix/" + socket);
    } else {
      adminPort = freePort();
      admin.put("listen", "127.0.0.1:" + adminPort);
    }
    boot = Json.object();
    boot.set("admin", admin);
    ObjectNode apps = boot.putObject("apps");
    apps.putObject("http").put("http_port", httpPort).put("https_port", httpsPort);
    // Never touch the system trust store (Caddy runs as root here).
    apps.putObject("pki").putObject("certificate_authorities").putObject("local").put("install_trust", false);
    Files.write(dir.resolve("boot.json"), Json.bytes(boot));
    http = client();
    start(List.of("--config", dir.resolve("boot.json").toString()));
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    load(boot);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    try {
      stop();
    } finally {
      if (http != null) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
      if (dir != null) {
        try (Stream<Path> files = Files.walk(dir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Starts {@code caddy run} with {@code args} and waits for the admin API. */
  public void start(List<String> args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary.toString(), "run"));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("caddy.log").toFile()));
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    process = pb.start();
    Process started = process;
    // If the test JVM dies without afterAll, don't leave this caddy behind.
    Thread hook = new Thread(started::destroyForcibly, "stop-caddy-" + started.pid());
    Runtime.getRuntime().addShutdownHook(hook);
    started.onExit().thenRun(() -> {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running or has run
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!process.isAlive()) {
        fail("caddy exited with " + process.exitValue() + ":\n" + log());
      }
      try (Response r = http.newCall(request("/config/").get().build()).execute()) {
        if (r.code() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        fail("caddy's admin API did not come up within 15 s:\n" + log());
      }
      Thread.sleep(50);
    }
  }

  /** {@code POST /stop}, then makes sure the process is gone. */
  public void stop() throws InterruptedException {
    if (process == null) {
      return;
    }
    try (Response r = http.newCall(request("/stop").post(RequestBody.create(new byte[0], null)).build()).execute()) {
      r.body().bytes();
    } catch (IOException alreadyGone) {
      // fall through to destroy
    }
    if (!process.waitFor(5, TimeUnit.SECONDS)) {
      process.destroy();
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
    process = null;
  }

  /** {@code POST /load} of {@code config} (forced even when identical). */
  void load(JsonNode config) {
    Request request = request("/load").header("Cache-Control", "must-revalidate")
        .post(RequestBody.create(Json.bytes(config), JSON)).build();
    try (Response r = http.newCall(request).execute()) {
      String body = r.body().string();
      if (r.code() != 200) {
        fail("POST /load -> " + r.code() + " " + body);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** GET {@code path} on the admin API, parsed. */
  JsonNode get(String path) {
    try (Response r = http.newCall(request(path).get().build()).execute()) {
      byte[] body = r.body().bytes();
      if (r.code() != 200) {
        fail("GET " + path + " -> " + r.code() + " " + new String(body, StandardCharsets.UTF_8));
      }
      return Json.parse(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Raw GET: body and trailers/headers, for ETag checks. */
  String[] getWithETag(String path) {
    try (Response r = http.newCall(request(path).get().build()).execute()) {
      String body = r.body().string();
      String etag = r.header("ETag") != null ? r.header("ETag") : r.trailers().get("ETag");
      return new String[] {body, etag};
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A builder for the ingress under test, pointed at this Caddy's admin API. */
  public CaddyIngress.Builder ingress() {
    CaddyIngress.Builder builder = CaddyIngress.builder();
    return unixSocket ? builder.adminSocket(socket) : builder.adminAddress(adminUrl());
  }

  public String adminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  Path socket() {
    return socket;
  }

  public int httpPort() {
    return httpPort;
  }

  int httpsPort() {
    return httpsPort;
  }

  ObjectNode bootConfig() {
    return boot.deepCopy();
  }

  public Path dir() {
    return dir;
  }

  public String log() {
    try {
      List<String> lines = Files.readAllLines(dir.resolve("caddy.log"));
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  /** A free TCP port on 127.0.0.1. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  private Request.Builder request(String path) {
    if (unixSocket) {
      return new Request.Builder().url(HttpUrl.get("http://localhost" + path)).header("Host", "");
    }
    return new Request.Builder().url("http://127.0.0.1:" + adminPort + path);
  }

  private OkHttpClient client() throws IOException {
    OkHttpClient.Builder builder = new OkHttpClient.Builder().proxy(Proxy.NO_PROXY)
        .connectTimeout(Duration.ofSeconds(2)).readTimeout(Duration.ofSeconds(30));
    if (unixSocket) {
      builder.socketFactory(new AFSocketFactory.FixedAddressSocketFactory(AFUNIXSocketAddress.of(socket)))
          .dns(host -> List.of(InetAddress.getLoopbackAddress()));
    }
    return builder.build();
  }
}
