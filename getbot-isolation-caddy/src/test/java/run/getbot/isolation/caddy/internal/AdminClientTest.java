package run.getbot.isolation.caddy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.NullNode;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.ServerSocketFactory;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import mockwebserver3.SocketEffect;
import okhttp3.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProviderUnavailableException;

/** The admin client's HTTP handling against MockWebServer: ETags, error mapping, unreachable, timeouts, sockets. */
class AdminClientTest {

  private final MockWebServer server = new MockWebServer();
  private AdminClient client;

  @BeforeEach
  void start() throws IOException {
    server.start(InetAddress.getLoopbackAddress(), 0);
    client = AdminClient.tcp("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(2), Duration.ofSeconds(2),
        null);
  }

  @AfterEach
  void stop() {
    client.close();
    server.close();
  }

  private static MockResponse json(int code, String body) {
    return new MockResponse.Builder().code(code).addHeader("Content-Type", "application/json").body(body).build();
  }

  private static ConfigWrite patch() {
    return new ConfigWrite("PATCH", List.of("apps", "http"), Json.object());
  }

  @Test
  void etagComesFromTheTrailerAsCaddy26SendsIt() throws Exception {
    server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/json")
        .addHeader("Trailer", "ETag").chunkedBody("{\"http\":{}}\n", 4)
        .trailers(Headers.of("ETag", "\"/config/apps 1234abcd\"")).build());

    AdminClient.Snapshot snapshot = client.get("/config/apps", "reading");

    assertThat(snapshot.etag()).contains("\"/config/apps 1234abcd\"");
    assertThat(snapshot.value().has("http")).isTrue();
    assertThat(server.takeRequest().getHeaders().get("Host")).isEqualTo("127.0.0.1:" + server.getPort());
  }

  @Test
  void getIdReadsOneObjectAndTheETagCaddyNamesItsConfigPathIn() throws Exception {
    server.enqueue(new MockResponse.Builder().addHeader("Content-Type", "application/json")
        .addHeader("Trailer", "ETag").chunkedBody("{\"@id\":\"getbot-host:getbot:a.test\"}\n", 8)
        .trailers(Headers.of("ETag", "\"/config/apps/http/servers/getbot/routes/3 0badcafe\"")).build());

    AdminClient.Snapshot snapshot = client.getId("getbot-host:getbot:a.test", "reading");

    assertThat(snapshot.etag()).contains("\"/config/apps/http/servers/getbot/routes/3 0badcafe\"");
    assertThat(snapshot.value().get("@id").asText()).isEqualTo("getbot-host:getbot:a.test");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod() + " " + request.getTarget()).isEqualTo("GET /id/getbot-host:getbot:a.test");
  }

  @Test
  void getIdGuessesNoETagWhenTheAnnouncedTrailerIsLost() {
    server.enqueue(new MockResponse.Builder().addHeader("Trailer", "ETag").body("{}\n").build());
    assertThat(client.getId("getbot-host:getbot:a.test", "reading").etag()).isEmpty();
  }

  @Test
  void patchIdSendsTheObjectUnderIfMatchAndCountsAsAWrite() throws Exception {
    server.enqueue(json(200, ""));
    server.enqueue(json(412, "{\"error\":\"If-Match header did not match current config hash\"}"));

    client.patchId("getbot-host:getbot:a.test", Json.object().put("terminal", true),
        Optional.of("\"/config/apps/http/servers/getbot/routes/3 0badcafe\""), "routing");
    assertThatThrownBy(() -> client.patchId("getbot-host:getbot:a.test", Json.object(), Optional.of("\"x 1\""),
        "routing")).isInstanceOf(AdminClient.PreconditionFailed.class);

    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod() + " " + request.getTarget()).isEqualTo("PATCH /id/getbot-host:getbot:a.test");
    assertThat(request.getHeaders().get("If-Match"))
        .isEqualTo("\"/config/apps/http/servers/getbot/routes/3 0badcafe\"");
    assertThat(request.getBody().utf8()).isEqualTo("{\"terminal\":true}");
    assertThat(client.writes()).isEqualTo(2);
    assertThat(client.preconditionFailures()).isEqualTo(1);
  }

  @Test
  void etagFromAHeaderAsCaddy28SendsIt() {
    server.enqueue(new MockResponse.Builder().addHeader("ETag", "\"/config/apps 99\"").body("null\n").build());
    AdminClient.Snapshot snapshot = client.get("/config/apps", "reading");
    assertThat(snapshot.etag()).contains("\"/config/apps 99\"");
    assertThat(snapshot.value()).isEqualTo(NullNode.getInstance());
  }

  @Test
  void announcedTrailerThatNeverArrivesIsComputedWithFnv1a() {
    String body = "{\"admin\":{\"listen\":\"127.0.0.1:2998\"}}\n";
    server.enqueue(new MockResponse.Builder().addHeader("Trailer", "ETag").body(body).build());
    assertThat(client.get("/config/", "reading").etag()).contains("\"/config/ 4811b1d2\"");
  }

  @Test
  void noETagAtAllMeansNoConditionalWrites() {
    server.enqueue(new MockResponse.Builder().body("null\n").build());
    assertThat(client.get("/config/apps", "reading").etag()).isEmpty();
  }

  @Test
  void writeSendsIfMatchAndJson() throws Exception {
    server.enqueue(new MockResponse.Builder().build());
    client.write(new ConfigWrite("PUT", List.of("apps", "http", "servers", "getbot"), Json.object().put("a", 1)),
        Optional.of("\"/config/apps 0e7c22ea\""), "writing");
    RecordedRequest request = server.takeRequest();
    assertThat(request.getMethod()).isEqualTo("PUT");
    assertThat(request.getTarget()).isEqualTo("/config/apps/http/servers/getbot");
    assertThat(request.getHeaders().get("If-Match")).isEqualTo("\"/config/apps 0e7c22ea\"");
    assertThat(request.getHeaders().get("Content-Type")).startsWith("application/json");
    assertThat(request.getBody().utf8()).isEqualTo("{\"a\":1}");
    assertThat(client.writes()).isEqualTo(1);
  }

  @Test
  void a412IsReportedForTheCallerToRetry() {
    server.enqueue(json(412, "{\"error\":\"If-Match header did not match current config hash\"}"));
    assertThatThrownBy(() -> client.write(patch(), Optional.of("\"/config/apps 1\""), "writing"))
        .isInstanceOf(AdminClient.PreconditionFailed.class)
        .hasMessage("If-Match header did not match current config hash");
    assertThat(client.preconditionFailures()).isEqualTo(1);
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "500|[/config/apps/http/servers/getbot] key already exists: getbot|ConflictException",
      "409|[/config/apps/http/servers/getbot] key already exists: getbot|ConflictException",
      "500|[/config/apps/http/servers/nosuch] key does not exist: nosuch|NotFoundException",
      "404|unknown object ID 'nope'|NotFoundException",
      "500|loading new config: http app module: start: listening on 127.0.0.1:1-0: invalid port|OperationFailedException",
      "400|loading config: loading new config: ...|OperationFailedException",
      "500|decoding request body: invalid character 'b' looking for beginning of value|OperationFailedException",
      "400|array index out of bounds: 99|OperationFailedException",
      "403|host not allowed: localhost|ProviderUnavailableException",
  })
  void caddyErrorsMapToTypedExceptionsCarryingCaddysMessage(int status, String message, String type) {
    server.enqueue(json(status, "{\"error\":\"" + message.replace("'", "\\u0027") + "\"}"));

    Throwable thrown = catchWrite();

    assertThat(thrown.getClass().getSimpleName()).isEqualTo(type);
    assertThat(thrown.getMessage()).contains(message);
    if (thrown instanceof OperationFailedException failed) {
      assertThat(failed.backendMessage()).isEqualTo(message);
    }
    assertThat(thrown.getCause()).isInstanceOfSatisfying(AdminClient.AdminError.class,
        e -> assertThat(e.status()).isEqualTo(status));
  }

  @Test
  void aNonJsonErrorBodyIsKeptAsTheMessage() {
    server.enqueue(new MockResponse.Builder().code(502).body("Bad Gateway\n").build());
    assertThat(catchWrite()).isInstanceOfSatisfying(OperationFailedException.class,
        e -> assertThat(e.backendMessage()).isEqualTo("Bad Gateway"));
  }

  @Test
  void invalidJsonFromCaddyIsAnOperationFailure() {
    server.enqueue(new MockResponse.Builder().body("{not json").build());
    assertThatThrownBy(() -> client.get("/config/apps", "reading"))
        .isInstanceOfSatisfying(OperationFailedException.class,
            e -> assertThat(e.backendMessage()).isEqualTo("{not json"));
  }

  @Test
  void getErrorsAreMappedToo() {
    server.enqueue(json(400, "{\"error\":\"invalid traversal path at: config/apps/http/servers/x\"}"));
    assertThatThrownBy(() -> client.get("/config/apps/http/servers/x/routes", "reading routes"))
        .isInstanceOf(OperationFailedException.class).hasMessageContaining("invalid traversal path");
  }

  @Test
  void unreachableAdminIsProviderUnavailableNamingTheAddress() throws IOException {
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    try (AdminClient down = AdminClient.tcp("127.0.0.1:" + closed, Duration.ofSeconds(1), Duration.ofSeconds(1),
        null)) {
      assertThatThrownBy(() -> down.get("/config/apps", "reading routes"))
          .isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining("http://127.0.0.1:" + closed).hasMessageContaining("unreachable");
      assertThatThrownBy(() -> down.write(patch(), Optional.empty(), "writing"))
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("127.0.0.1:" + closed);
    }
  }

  @Test
  void aSilentAdminTimesOutAsProviderUnavailable() throws IOException {
    try (AdminClient impatient = AdminClient.tcp("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(1),
        Duration.ofMillis(200), null)) {
      server.enqueue(new MockResponse.Builder().headersDelay(2, TimeUnit.SECONDS).body("null").build());
      assertThatThrownBy(() -> impatient.get("/config/apps", "reading"))
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("did not answer within 200 ms");
    }
  }

  @Test
  void aConnectionCaddyDropsWhileReloadingIsTriedAgainForReadsAndConditionalWrites() throws Exception {
    MockResponse dropped = new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build();
    server.enqueue(dropped);
    server.enqueue(new MockResponse.Builder().body("{\"http\":{}}").build());
    assertThat(client.get("/config/apps", "reading").value().has("http")).isTrue();

    server.enqueue(dropped);
    server.enqueue(new MockResponse.Builder().build());
    client.write(patch(), Optional.of("\"/config/apps 1\""), "writing");
    assertThat(client.writes()).as("one logical write").isEqualTo(1);
  }

  @Test
  void anUnconditionalWriteIsNotReplayedAfterABrokenConnection() {
    server.enqueue(new MockResponse.Builder().onRequestStart(new SocketEffect.CloseSocket()).build());
    server.enqueue(new MockResponse.Builder().build());
    assertThatThrownBy(() -> client.write(patch(), Optional.empty(), "writing"))
        .isInstanceOf(ProviderUnavailableException.class);
    assertThat(server.getRequestCount()).isEqualTo(1);
  }

  @Test
  void anOriginHeaderIsSentWhenConfigured() throws Exception {
    try (AdminClient withOrigin = AdminClient.tcp("http://127.0.0.1:" + server.getPort(), Duration.ofSeconds(1),
        Duration.ofSeconds(1), "http://127.0.0.1:2019")) {
      server.enqueue(new MockResponse.Builder().body("null").build());
      withOrigin.get("/config/apps", "reading");
      assertThat(server.takeRequest().getHeaders().get("Origin")).isEqualTo("http://127.0.0.1:2019");
    }
  }

  @Test
  void adminAddressesWithAPathAreRefused() {
    assertThatThrownBy(() -> AdminClient.tcp("http://127.0.0.1:2019/caddy", Duration.ofSeconds(1),
        Duration.ofSeconds(1), null)).isInstanceOf(InvalidSpecException.class);
    assertThatThrownBy(() -> AdminClient.tcp("::::", Duration.ofSeconds(1), Duration.ofSeconds(1), null))
        .isInstanceOf(InvalidSpecException.class);
  }

  @Test
  void overAUnixSocketTheHostHeaderIsEmptyAsCaddy26Requires() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "gbsock");
    File socket = dir.resolve("a.sock").toFile();
    try (MockWebServer onSocket = new MockWebServer()) {
      AFUNIXSocketAddress address = AFUNIXSocketAddress.of(socket);
      onSocket.setServerSocketFactory(new ServerSocketFactory() {
        @Override
        public ServerSocket createServerSocket() throws IOException {
          return address.newForceBoundServerSocket();
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
          return address.newForceBoundServerSocket();
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
          return address.newForceBoundServerSocket();
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress bind) throws IOException {
          return address.newForceBoundServerSocket();
        }
      });
      onSocket.start();
      onSocket.enqueue(new MockResponse.Builder().body("{\"http\":{}}").build());
      try (AdminClient unix = AdminClient.unix(socket.toPath(), Duration.ofSeconds(1), Duration.ofSeconds(2), null)) {
        assertThat(unix.address()).isEqualTo("unix:" + socket);
        assertThat(unix.get("/config/apps", "reading").value().has("http")).isTrue();
      }
      RecordedRequest request = onSocket.takeRequest();
      assertThat(request.getHeaders().get("Host")).isEmpty();
      assertThat(request.getTarget()).isEqualTo("/config/apps");
    } finally {
      socket.delete();
      Files.deleteIfExists(dir);
    }
  }

  @Test
  void aMissingSocketIsProviderUnavailableNamingIt() {
    Path missing = Path.of("/tmp/getbot-no-such-dir/admin.sock");
    try (AdminClient unix = AdminClient.unix(missing, Duration.ofSeconds(1), Duration.ofSeconds(1), null)) {
      assertThatThrownBy(() -> unix.get("/config/apps", "reading"))
          .isInstanceOf(ProviderUnavailableException.class).hasMessageContaining("unix:" + missing);
    }
  }

  private IsolationException catchWrite() {
    try {
      client.write(patch(), Optional.empty(), "updating routes");
    } catch (IsolationException e) {
      return e;
    }
    throw new AssertionError("no exception");
  }
}
