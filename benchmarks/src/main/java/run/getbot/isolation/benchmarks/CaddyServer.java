package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A {@code caddy run} of our own, on loopback only: admin API and HTTP port on free 127.0.0.1 ports, HOME and the XDG
 * dirs (autosave, certificates) in a temp dir. {@link #close()} sends {@code POST /stop}, then destroys the process
 * if it is still there, and deletes the temp dir.
 */
final class CaddyServer implements AutoCloseable {

  final Path dir;
  final int adminPort;
  final int httpPort;
  private final Process process;

  private CaddyServer(Path dir, int adminPort, int httpPort, Process process) {
    this.dir = dir;
    this.adminPort = adminPort;
    this.httpPort = httpPort;
    this.process = process;
  }

  static CaddyServer start() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "gbb-caddy-");
    int adminPort = freePort();
    int httpPort = freePort();
    int httpsPort = freePort();
    ObjectNode boot = Results.object();
    boot.putObject("admin").put("listen", "127.0.0.1:" + adminPort);
    ObjectNode apps = boot.putObject("apps");
    apps.putObject("http").put("http_port", httpPort).put("https_port", httpsPort);
    apps.putObject("pki").putObject("certificate_authorities").putObject("local").put("install_trust", false);
    Files.write(dir.resolve("boot.json"), Results.JSON.writeValueAsBytes(boot));
    ProcessBuilder pb = new ProcessBuilder(List.of("caddy", "run", "--config", dir.resolve("boot.json").toString()))
        .directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("caddy.log").toFile()));
    Map<String, String> env = pb.environment();
    env.put("HOME", dir.toString());
    env.put("XDG_CONFIG_HOME", dir.resolve("config").toString());
    env.put("XDG_DATA_HOME", dir.resolve("data").toString());
    Process p = pb.start();
    Runtime.getRuntime().addShutdownHook(new Thread(p::destroyForcibly));
    CaddyServer server = new CaddyServer(dir, adminPort, httpPort, p);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (true) {
      if (!p.isAlive()) {
        throw new IllegalStateException("caddy exited: " + Files.readString(dir.resolve("caddy.log")));
      }
      try (RawHttp raw = server.connect()) {
        if (raw.exchange(RawHttp.get("/config/", server.host())) == 200) {
          return server;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      if (System.nanoTime() > deadline) {
        server.close();
        throw new IllegalStateException("caddy's admin API did not come up in 15 s");
      }
      Thread.sleep(50);
    }
  }

  String adminUrl() {
    return "http://127.0.0.1:" + adminPort;
  }

  String host() {
    return "127.0.0.1:" + adminPort;
  }

  /** A new TCP connection to the admin API, as curl makes one per call. */
  RawHttp connect() throws IOException {
    Socket s = new Socket(InetAddress.getLoopbackAddress(), adminPort);
    s.setTcpNoDelay(true);
    return new RawHttp(s);
  }

  /** One admin call on a fresh connection, like one curl: returns the status; body via {@code into}. */
  int call(byte[] request) throws IOException {
    try (RawHttp raw = connect()) {
      return raw.exchange(request);
    }
  }

  byte[] get(String path) throws IOException {
    try (RawHttp raw = connect()) {
      int status = raw.exchange(RawHttp.get(path, host()));
      if (status != 200) {
        throw new IOException("GET " + path + " -> " + status + ": " + new String(raw.body()));
      }
      return raw.body();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      try {
        call(RawHttp.withJson("POST", "/stop", host(), new byte[0], true));
      } catch (IOException alreadyGone) {
        // destroy below
      }
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    } finally {
      try (Stream<Path> files = Files.walk(dir)) {
        files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
      }
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }
}
