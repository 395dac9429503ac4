package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import javax.net.SocketFactory;
import okhttp3.ConnectionPool;
import okhttp3.ConnectionSpec;
import okhttp3.Headers;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okhttp3.ResponseBody;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProviderUnavailableException;

/**
 * HTTP/1.1 to incusd over its unix socket: one shared {@link OkHttpClient} on a junixsocket
 * {@link AFSocketFactory.FixedAddressSocketFactory}, a fixed {@code Dns} for the fake host name, Jackson for JSON. Adds
 * {@code ?project=} to every request that does not name a project itself. Internal.
 */
public final class IncusTransport implements AutoCloseable {

  /** The fake host name in request URLs; the socket factory ignores it, the {@code Dns} maps it to loopback. */
  static final String HOST = "incus.socket";

  private static final MediaType JSON = MediaType.get("application/json");
  /** Longest server-side wait per {@code /wait} call; the client read timeout is well above it. */
  static final Duration MAX_WAIT_CHUNK = Duration.ofSeconds(30);

  private final OkHttpClient http;
  private final HttpUrl base;
  private final Path socket;
  private final String project;

  /** A transport on the unix socket {@code socket}, scoped to {@code project}. */
  public static IncusTransport unixSocket(Path socket, String project) {
    SocketFactory factory;
    try {
      factory = new AFSocketFactory.FixedAddressSocketFactory(AFUNIXSocketAddress.of(socket.toFile()));
    } catch (IOException e) {
      throw new ProviderUnavailableException("cannot use the Incus socket path " + socket + ": " + e.getMessage(), e);
    }
    OkHttpClient client = new OkHttpClient.Builder()
        .socketFactory(factory)
        // OkHttp resolves the host before it asks the socket factory, which ignores the address.
        .dns(host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})))
        .connectionPool(new ConnectionPool(4, 30, TimeUnit.SECONDS))
        .connectTimeout(Duration.ofSeconds(10))
        .readTimeout(MAX_WAIT_CHUNK.plusSeconds(60))
        .writeTimeout(Duration.ofSeconds(120))
        .retryOnConnectionFailure(true)
        // Plain HTTP on the socket. Without this, build() sets up TLS and parses the JDK's trust store: a large
        // share of the time to the first call and ~1.5 MB of retained heap (docs/BENCHMARKS.md, P5).
        .connectionSpecs(List.of(ConnectionSpec.CLEARTEXT))
        .build();
    return new IncusTransport(client, new HttpUrl.Builder().scheme("http").host(HOST).build(), socket, project);
  }

  /** A transport on an existing client and base URL (tests use a TCP MockWebServer this way). */
  public IncusTransport(OkHttpClient http, HttpUrl base, Path socket, String project) {
    this.http = http;
    this.base = base;
    this.socket = socket;
    this.project = project;
  }

  /** The Incus project every request is scoped to. */
  public String project() {
    return project;
  }

  /** The socket path, for messages. */
  public Path socket() {
    return socket;
  }

  /** URL-encodes a query value. */
  public static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------------------------------------- JSON calls

  /** Sends a request and returns the envelope, whatever its type. I/O failures throw. */
  public IncusResponse call(String doing, String method, String path, JsonNode body, Map<String, String> headers) {
    RequestBody requestBody = body == null ? (needsBody(method) ? RequestBody.create(new byte[0], JSON) : null)
        : RequestBody.create(Json.write(body), JSON);
    return exchange(doing, method, path, requestBody, headers);
  }

  /** Sends a request with a raw body and returns the envelope. */
  public IncusResponse exchange(String doing, String method, String path, RequestBody body,
                                Map<String, String> headers) {
    Request request = request(method, path, body, headers);
    try (Response response = execute(doing, request)) {
      ResponseBody responseBody = response.body();
      byte[] bytes = responseBody.bytes();
      JsonNode json = null;
      try {
        json = bytes.length == 0 ? null : Json.parse(bytes);
      } catch (IOException notJson) {
        // fall through: classified by the HTTP status
      }
      return IncusResponse.of(response.code(), json, unquote(response.header("ETag")));
    } catch (IOException e) {
      throw ioFailure(doing, e);
    }
  }

  /** Sends a request; throws the mapped exception on an error response. */
  public IncusResponse send(String doing, String method, String path, JsonNode body, Map<String, String> headers) {
    IncusResponse response = call(doing, method, path, body, headers);
    if (response.isError()) {
      throw IncusErrors.toException(doing, response);
    }
    return response;
  }

  /** Sends a request without extra headers; throws on an error response. */
  public IncusResponse send(String doing, String method, String path, JsonNode body) {
    return send(doing, method, path, body, Map.of());
  }

  /** GET; the response (with metadata and ETag), or throws. */
  public IncusResponse get(String doing, String path) {
    return send(doing, "GET", path, null, Map.of());
  }

  /** GET; empty on 404, throws on other errors. */
  public Optional<IncusResponse> getIfExists(String doing, String path) {
    IncusResponse response = call(doing, "GET", path, null, Map.of());
    if (response.isError()) {
      if (response.code() == 404) {
        return Optional.empty();
      }
      throw IncusErrors.toException(doing, response);
    }
    return Optional.of(response);
  }

  // ---------------------------------------------------------------------------------------------- raw calls

  /**
   * A raw (non-envelope) response: file contents, exec logs.
   *
   * @param status HTTP status
   * @param headers response headers
   * @param body the bytes
   */
  public record Raw(int status, Headers headers, byte[] body) {}

  /** GET of a raw resource; error envelopes throw the mapped exception. */
  public Raw getRaw(String doing, String path) {
    Request request = request("GET", path, null, Map.of());
    try (Response response = execute(doing, request)) {
      byte[] bytes = response.body().bytes();
      if (response.code() >= 400) {
        JsonNode json = null;
        try {
          json = Json.parse(bytes);
        } catch (IOException notJson) {
          // classified by status
        }
        throw IncusErrors.toException(doing, IncusResponse.of(response.code(), json, ""));
      }
      return new Raw(response.code(), response.headers(), bytes);
    } catch (IOException e) {
      throw ioFailure(doing, e);
    }
  }

  // ---------------------------------------------------------------------------------------------- plumbing

  private static boolean needsBody(String method) {
    return method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
  }

  /** The absolute URL of a daemon path (which may carry its own query), with the project added. */
  HttpUrl url(String path) {
    String p = path;
    String query = null;
    int q = path.indexOf('?');
    if (q >= 0) {
      p = path.substring(0, q);
      query = path.substring(q + 1);
    }
    HttpUrl.Builder b = base.newBuilder().encodedPath(p);
    if (query != null && !query.isEmpty()) {
      b.encodedQuery(query);
    }
    HttpUrl url = b.build();
    if (url.queryParameter("project") == null && url.queryParameter("all-projects") == null) {
      url = url.newBuilder().addQueryParameter("project", project).build();
    }
    return url;
  }

  private Request request(String method, String path, RequestBody body, Map<String, String> headers) {
    Request.Builder b = new Request.Builder().url(url(path)).method(method, body);
    headers.forEach(b::header);
    return b.build();
  }

  private Response execute(String doing, Request request) {
    try {
      return http.newCall(request).execute();
    } catch (IOException e) {
      throw ioFailure(doing, e);
    }
  }

  private RuntimeException ioFailure(String doing, IOException e) {
    if (e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)) {
      Thread.currentThread().interrupt();
      return new OperationFailedException(doing + ": interrupted", "", e);
    }
    String chain = messages(e).toLowerCase(Locale.ROOT);
    if (e instanceof java.net.SocketTimeoutException || chain.contains("timeout") || chain.contains("timed out")) {
      if (!chain.contains("connect")) {
        return new OperationFailedException(doing + ": no answer from the Incus daemon on " + socket + " in time",
            e.getMessage(), e);
      }
    }
    return unavailable(doing, socket, e, chain);
  }

  /** The {@link ProviderUnavailableException} for a failure to reach the daemon: names the socket and the remedy. */
  static ProviderUnavailableException unavailable(String doing, Path socket, IOException e, String chain) {
    String what;
    if (socket != null && !Files.exists(socket)) {
      what = "the Incus socket " + socket + " does not exist. Start incusd (e.g. `systemctl start incus`, or "
          + "`incusd --group incus-admin`), or set INCUS_SOCKET to the socket of a running daemon";
    } else if (chain.contains("permission denied") || chain.contains("eacces") || chain.contains("not permitted")) {
      what = "permission denied on the Incus socket " + socket + ". Add this user to the incus-admin group "
          + "(`usermod -aG incus-admin $USER`, then log in again), or run as root, or set INCUS_SOCKET";
    } else if (chain.contains("refused")) {
      what = "nothing listens on the Incus socket " + socket + " (a stale socket?). Start incusd, "
          + "or set INCUS_SOCKET to the socket of a running daemon";
    } else {
      what = "cannot talk to the Incus daemon on " + socket + " (" + e + "). Check that incusd runs and that "
          + "INCUS_SOCKET points at its socket";
    }
    return new ProviderUnavailableException(doing + ": " + what, e);
  }

  /** The classes and messages of {@code t} and its causes, for classification. */
  static String messages(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null && sb.length() < 2000; c = c.getCause()) {
      sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
    }
    return sb.toString();
  }

  private static String unquote(String etag) {
    if (etag == null) {
      return "";
    }
    String e = etag.trim();
    return e.length() >= 2 && e.startsWith("\"") && e.endsWith("\"") ? e.substring(1, e.length() - 1) : e;
  }

  /** Throws {@link NotFoundException} with {@code message} (helper for resource classes). */
  public static NotFoundException notFound(String message) {
    return new NotFoundException(message);
  }

  /** Releases the connection pool and the dispatcher's threads. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
