package run.getbot.isolation.incus;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ServerSocketFactory;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A scripted Incus daemon: MockWebServer bound to a unix socket, answering {@code METHOD path} (query ignored) from a
 * queue per route; the last response of a queue repeats. Unscripted requests get a 404 error envelope.
 */
final class FakeDaemon implements AutoCloseable {

  final Path socket;
  private final MockWebServer server = new MockWebServer();
  private final Map<String, Deque<MockResponse>> routes = new ConcurrentHashMap<>();
  final List<RecordedRequest> requests = java.util.Collections.synchronizedList(new ArrayList<>());

  FakeDaemon(Path dir) throws IOException {
    socket = dir.resolve("incus.sock");
    AFUNIXSocketAddress address = AFUNIXSocketAddress.of(socket.toFile());
    server.setServerSocketFactory(new ServerSocketFactory() {
      @Override
      public ServerSocket createServerSocket() throws IOException {
        return address.newForceBoundServerSocket();
      }

      @Override
      public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket();
      }

      @Override
      public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket();
      }

      @Override
      public ServerSocket createServerSocket(int port, int backlog, InetAddress bindAddr) throws IOException {
        return createServerSocket();
      }
    });
    server.setDispatcher(new Dispatcher() {
      @Override
      public MockResponse dispatch(RecordedRequest request) {
        requests.add(request);
        String key = request.getMethod() + " " + request.getUrl().encodedPath();
        Deque<MockResponse> queue = routes.get(key);
        if (queue == null || queue.isEmpty()) {
          return error(404, "not found (unscripted " + key + ")");
        }
        synchronized (queue) {
          return queue.size() > 1 ? queue.poll() : queue.peek();
        }
      }
    });
    server.start();
  }

  /** Scripts the answers to {@code METHOD path}, in order; the last one repeats. */
  FakeDaemon on(String method, String path, MockResponse... responses) {
    routes.computeIfAbsent(method + " " + path, k -> new ArrayDeque<>()).addAll(List.of(responses));
    return this;
  }

  /** A provider on this daemon. */
  IncusIsolationProvider provider() {
    return IncusIsolationProvider.builder().socket(socket).stopGracePeriod(java.time.Duration.ofSeconds(3)).build();
  }

  /** The recorded requests to {@code METHOD path}. */
  List<RecordedRequest> requests(String method, String path) {
    synchronized (requests) {
      return requests.stream().filter(r -> r.getMethod().equals(method) && r.getUrl().encodedPath().equals(path))
          .toList();
    }
  }

  /** The body of a recorded request as UTF-8. */
  static String body(RecordedRequest r) {
    return r.getBody() == null ? "" : r.getBody().utf8();
  }

  // --------------------------------------------------------------------------------------------- responses

  static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).setHeader("Content-Type", "application/json").body(body).build();
  }

  static MockResponse sync(String metadata) {
    return json(200, "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\","
        + "\"error_code\":0,\"error\":\"\",\"metadata\":" + metadata + "}");
  }

  static MockResponse syncWithEtag(String metadata, String etag) {
    return new MockResponse.Builder(sync(metadata)).setHeader("ETag", "\"" + etag + "\"").build();
  }

  static MockResponse created() {
    return json(201, "{\"type\":\"sync\",\"status\":\"Success\",\"status_code\":200,\"operation\":\"\","
        + "\"error_code\":0,\"error\":\"\",\"metadata\":null}");
  }

  static MockResponse error(int code, String message) {
    return json(code, "{\"type\":\"error\",\"status\":\"\",\"status_code\":0,\"operation\":\"\",\"error_code\":"
        + code + ",\"error\":\"" + message.replace("\"", "\\\"") + "\",\"metadata\":null}");
  }

  /** An operation object. */
  static String op(String id, int statusCode, String err, String metadata) {
    return "{\"id\":\"" + id + "\",\"class\":\"task\",\"description\":\"test op\",\"status\":\"x\","
        + "\"status_code\":" + statusCode + ",\"resources\":{},\"metadata\":" + metadata + ",\"may_cancel\":false,"
        + "\"err\":\"" + err.replace("\"", "\\\"") + "\",\"location\":\"none\"}";
  }

  /** A 202 answer starting operation {@code id}. */
  static MockResponse async(String id) {
    return json(202, "{\"type\":\"async\",\"status\":\"Operation created\",\"status_code\":100,\"operation\":"
        + "\"/1.0/operations/" + id + "\",\"error_code\":0,\"error\":\"\",\"metadata\":" + op(id, 103, "", "null")
        + "}");
  }

  /** Scripts a successful operation: its {@code /wait} answers success with {@code metadata}. */
  FakeDaemon opSucceeds(String id, String metadata) {
    return on("GET", "/1.0/operations/" + id + "/wait", sync(op(id, 200, "", metadata)));
  }

  /** Scripts a failed operation: {@code /wait} answers HTTP 200 with an error body, and GET shows the failure. */
  FakeDaemon opFails(String id, String err) {
    on("GET", "/1.0/operations/" + id + "/wait", error(500, err).newBuilder().code(200).build());
    return on("GET", "/1.0/operations/" + id, sync(op(id, 400, err, "null")));
  }

  /** An instance object; {@code managed} adds the SDK's marker. */
  static String instance(String name, String status, boolean managed, String extraConfig) {
    int code = switch (status) {
      case "Running" -> 103;
      case "Frozen" -> 110;
      default -> 102;
    };
    return "{\"name\":\"" + name + "\",\"status\":\"" + status + "\",\"status_code\":" + code + ",\"type\":\"container\","
        + "\"architecture\":\"x86_64\",\"description\":\"getbot org " + name + "\",\"ephemeral\":false,"
        + "\"stateful\":false,\"profiles\":[],\"project\":\"default\","
        + "\"config\":{" + (managed ? "\"user.getbot.managed\":\"true\",\"user.getbot.spec-version\":\"1\"," : "")
        + "\"limits.cpu\":\"2\",\"limits.memory\":\"3GB\",\"security.nesting\":\"true\","
        + "\"security.syscalls.intercept.mknod\":\"true\",\"security.syscalls.intercept.setxattr\":\"true\","
        + "\"volatile.idmap.base\":\"0\",\"volatile.uuid\":\"u-1\"" + extraConfig + "},"
        + "\"devices\":{\"root\":{\"type\":\"disk\",\"path\":\"/\",\"pool\":\"getbot-pool\"},"
        + "\"eth0\":{\"type\":\"nic\",\"name\":\"eth0\",\"network\":\"getbot-br0\",\"ipv4.address\":\"10.199.0.100\","
        + "\"security.port_isolation\":\"true\"}},\"expanded_devices\":{},\"snapshots\":null}";
  }

  static final String NETWORK = "{\"name\":\"getbot-br0\",\"type\":\"bridge\",\"managed\":true,\"config\":{"
      + "\"ipv4.address\":\"10.199.0.1/24\",\"ipv4.nat\":\"true\",\"ipv6.address\":\"none\"},\"used_by\":[]}";
  static final String POOL = "{\"name\":\"getbot-pool\",\"driver\":\"dir\",\"config\":{\"source\":"
      + "\"/var/lib/incus/storage-pools/getbot-pool\"},\"used_by\":[]}";

  @Override
  public void close() {
    server.close();
  }
}
