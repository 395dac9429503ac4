package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.Call;
import okhttp3.ConnectionPool;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProviderUnavailableException;

/**
 * Caddy's admin API over one shared {@link OkHttpClient}: TCP (normally loopback) or a unix socket. Reads return the
 * JSON and the config ETag (header, or the HTTP trailer Caddy 2.5.2–2.7 use, or, if the trailer was announced but
 * lost, the FNV-1a hash of the body); writes send {@code If-Match} and report 412 as {@link PreconditionFailed}. Every
 * other failure becomes one of the API's exceptions, carrying Caddy's own message. Thread-safe.
 */
public final class AdminClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(AdminClient.class);
  private static final MediaType JSON = MediaType.get("application/json");
  private static final int MAX_MESSAGE = 2000;
  /** Tries for a request whose connection breaks (not a timeout): Caddy closing connections while it reloads. */
  private static final int CONNECTION_TRIES = 3;

  /**
   * A GET result.
   *
   * @param value the JSON ({@code NullNode} when Caddy answered {@code null}: in 2.6 also for a missing path)
   * @param etag the quoted ETag to send back as {@code If-Match}; empty if Caddy gave none (before 2.5.2)
   */
  public record Snapshot(JsonNode value, Optional<String> etag) {}

  /**
   * A raw answer, for probes.
   *
   * @param status the HTTP status
   * @param message Caddy's error message, or the body
   */
  public record Reply(int status, String message) {}

  /** Caddy answered 412: the config changed since the ETag was read. Internal; callers re-read and retry. */
  public static final class PreconditionFailed extends RuntimeException {
    PreconditionFailed(String message) {
      super(message, null, false, false);
    }
  }

  /** Caddy's error, attached as the cause of the API exceptions. */
  public static final class AdminError extends RuntimeException {
    private final int status;
    private final String backendMessage;

    AdminError(int status, String backendMessage) {
      super("HTTP " + status + ": " + backendMessage, null, false, false);
      this.status = status;
      this.backendMessage = backendMessage;
    }

    /** HTTP status Caddy answered. */
    public int status() {
      return status;
    }

    /** Caddy's message, verbatim. */
    public String backendMessage() {
      return backendMessage;
    }
  }

  private final OkHttpClient http;
  private final HttpUrl base;
  private final String hostHeader;
  private final String origin;
  private final String address;
  private final Duration requestTimeout;
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong preconditionFailures = new AtomicLong();

  private AdminClient(OkHttpClient http, HttpUrl base, String hostHeader, String origin, String address,
      Duration requestTimeout) {
    this.http = http;
    this.base = base;
    this.hostHeader = hostHeader;
    this.origin = origin;
    this.address = address;
    this.requestTimeout = requestTimeout;
  }

  /**
   * A client for the admin API at {@code url} ({@code http://127.0.0.1:2019}; {@code host:port} is taken as
   * {@code http://host:port}).
   */
  public static AdminClient tcp(String url, Duration connectTimeout, Duration requestTimeout, String origin) {
    Objects.requireNonNull(url, "url");
    String withScheme = url.contains("://") ? url : "http://" + url;
    HttpUrl parsed = HttpUrl.parse(withScheme);
    if (parsed == null || !parsed.encodedPath().equals("/") || parsed.query() != null) {
      throw new InvalidSpecException("Caddy admin address '" + url
          + "' must be http://host:port (no path), e.g. http://127.0.0.1:2019");
    }
    OkHttpClient http = builder(connectTimeout, requestTimeout).build();
    String address = parsed.scheme() + "://" + hostPort(parsed);
    return new AdminClient(http, parsed, null, origin, address, requestTimeout);
  }

  /**
   * A client for the admin API on the unix socket {@code socket} (Caddy: {@code "admin": {"listen": "unix//path"}}).
   * Sends an empty {@code Host}, the only origin Caddy 2.6 allows there by default.
   */
  public static AdminClient unix(Path socket, Duration connectTimeout, Duration requestTimeout, String origin) {
    Objects.requireNonNull(socket, "socket");
    OkHttpClient.Builder builder = builder(connectTimeout, requestTimeout);
    UnixSockets.configure(builder, socket);
    // OkHttp resolves the URL's host before asking the socket factory, which ignores the result.
    builder.dns(host -> List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1})));
    return new AdminClient(builder.build(), HttpUrl.get("http://localhost/"), "", origin,
        "unix:" + socket, requestTimeout);
  }

  private static OkHttpClient.Builder builder(Duration connectTimeout, Duration requestTimeout) {
    return new OkHttpClient.Builder()
        // Caddy (2.6 at least) replaces its admin server on every config load and closes the old one's keep-alive
        // connections, so a pooled connection is often dead by the next request: use a fresh one each time.
        .connectionPool(new ConnectionPool(0, 1, TimeUnit.SECONDS))
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .followSslRedirects(false)
        .connectTimeout(connectTimeout)
        .readTimeout(requestTimeout)
        .writeTimeout(requestTimeout);
  }

  private static String hostPort(HttpUrl url) {
    String host = url.host().contains(":") ? "[" + url.host() + "]" : url.host();
    return host + ":" + url.port();
  }

  /** Where the admin API is, for messages: {@code http://127.0.0.1:2019} or {@code unix:/path}. */
  public String address() {
    return address;
  }

  /**
   * Config writes sent so far (PATCH/PUT/POST/DELETE on {@code /config/}, PATCH on {@code /id/}), including ones Caddy
   * refused.
   */
  public long writes() {
    return writes.get();
  }

  /** Writes Caddy refused with 412 because another client changed the config first. */
  public long preconditionFailures() {
    return preconditionFailures.get();
  }

  /** GET {@code path} (e.g. {@code /config/apps}). */
  public Snapshot get(String path, String what) {
    return get(url(path), path, what);
  }

  /**
   * GET {@code /id/<id>}: the config object carrying that {@code @id}, with its own ETag (Caddy names the object's
   * {@code /config/...} path in it, so it guards only that object). No ETag is guessed when a trailer is lost, since
   * the object's path is unknown here: the snapshot's ETag is then empty.
   */
  public Snapshot getId(String id, String what) {
    return get(idUrl(id), null, what);
  }

  private Snapshot get(HttpUrl url, String etagPath, String what) {
    Request request = request(url).get().build();
    try (Response response = execute(request, true)) {
      byte[] body = response.body().bytes();
      if (!response.isSuccessful()) {
        throw error(what, response.code(), message(body));
      }
      String etag = response.header("ETag");
      if (etag == null) {
        etag = response.trailers().get("ETag");
      }
      if (etag == null && etagPath != null
          && "etag".equalsIgnoreCase(Objects.requireNonNullElse(response.header("Trailer"), "").trim())) {
        etag = ETags.fnvETag(etagPath, body);
        LOG.debug("Caddy announced an ETag trailer for {} but none arrived; using the FNV-1a hash {}", etagPath, etag);
      }
      try {
        return new Snapshot(Json.parse(body), Optional.ofNullable(etag));
      } catch (JsonProcessingException e) {
        throw new OperationFailedException(what + ": Caddy's admin API at " + address + " returned invalid JSON",
            truncate(new String(body, StandardCharsets.UTF_8)), e);
      }
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  /**
   * Sends {@code write}, with {@code If-Match: ifMatch} when present.
   *
   * @throws PreconditionFailed on 412
   */
  public void write(ConfigWrite write, Optional<String> ifMatch, String what) {
    HttpUrl.Builder url = base.newBuilder().addPathSegment("config");
    write.path().forEach(url::addPathSegment);
    send(url.build(), write.method(), write.body(), write.configPath(), ifMatch, what);
  }

  /**
   * {@code PATCH /id/<id>}: replaces the config object carrying that {@code @id} with {@code body}, with
   * {@code If-Match: ifMatch} when present.
   *
   * @throws PreconditionFailed on 412
   */
  public void patchId(String id, JsonNode body, Optional<String> ifMatch, String what) {
    send(idUrl(id), "PATCH", Objects.requireNonNull(body, "body"), "/id/" + id, ifMatch, what);
  }

  private void send(HttpUrl url, String method, JsonNode json, String target, Optional<String> ifMatch,
      String what) {
    RequestBody body = json == null ? null : RequestBody.create(Json.bytes(json), JSON);
    Request.Builder request = request(url).method(method, body);
    ifMatch.ifPresent(tag -> request.header("If-Match", tag));
    long started = System.nanoTime();
    writes.incrementAndGet();
    // A write is replayed after a broken connection only under If-Match: if the first attempt did land, the replay
    // gets 412 and the caller re-reads, so nothing is applied twice.
    try (Response response = execute(request.build(), ifMatch.isPresent())) {
      byte[] answer = response.body().bytes();
      LOG.debug("{} {} ({} bytes) -> {} in {} ms", method, target,
          body == null ? 0 : body.contentLength(), response.code(), (System.nanoTime() - started) / 1_000_000);
      if (response.code() == 412) {
        preconditionFailures.incrementAndGet();
        throw new PreconditionFailed(message(answer));
      }
      if (!response.isSuccessful()) {
        throw error(what + " (" + method + " " + target + ")", response.code(), message(answer));
      }
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  private HttpUrl idUrl(String id) {
    return base.newBuilder().addPathSegment("id").addPathSegment(Objects.requireNonNull(id, "id")).build();
  }

  /** POSTs {@code body} to {@code path} and returns the answer as it is (no error mapping beyond I/O). */
  public Reply post(String path, String contentType, byte[] body, String what) {
    Request request = request(url(path)).post(RequestBody.create(body, MediaType.get(contentType))).build();
    try (Response response = execute(request, true)) {
      return new Reply(response.code(), message(response.body().bytes()));
    } catch (IOException e) {
      throw unavailable(what, e);
    }
  }

  /** Executes {@code request}, trying again on a broken connection when {@code replayable}; never on a timeout. */
  private Response execute(Request request, boolean replayable) throws IOException {
    for (int attempt = 1; ; attempt++) {
      Call call = http.newCall(request);
      try {
        return call.execute();
      } catch (InterruptedIOException e) {
        throw e;
      } catch (IOException e) {
        if (!replayable || attempt >= CONNECTION_TRIES) {
          throw e;
        }
        LOG.debug("{} {}: {} (attempt {}), trying again", request.method(), request.url().encodedPath(), e, attempt);
        try {
          Thread.sleep(50L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted");
        }
      }
    }
  }

  private HttpUrl url(String path) {
    HttpUrl url = base.resolve(path);
    if (url == null) {
      throw new IllegalArgumentException(path);
    }
    return url;
  }

  private Request.Builder request(HttpUrl url) {
    Request.Builder builder = new Request.Builder().url(url).header("Accept", "application/json");
    if (hostHeader != null) {
      builder.header("Host", hostHeader);
    }
    if (origin != null) {
      builder.header("Origin", origin);
    }
    return builder;
  }

  /** Caddy's {@code {"error": "..."}} message, or the body as text. */
  static String message(byte[] body) {
    String text = new String(body, StandardCharsets.UTF_8).trim();
    if (text.startsWith("{")) {
      try {
        String error = Json.textOrNull(Json.parse(body), "error");
        if (error != null) {
          return truncate(error);
        }
      } catch (JsonProcessingException e) {
        // not JSON after all: use the text
      }
    }
    return truncate(text);
  }

  private static String truncate(String text) {
    return text.length() <= MAX_MESSAGE ? text : text.substring(0, MAX_MESSAGE) + "…";
  }

  /**
   * Maps one of Caddy's error answers. Caddy 2.6 reports most errors as 500 and only its message tells them apart:
   * {@code key already exists} → {@link ConflictException}, {@code key does not exist} / {@code unknown object ID}
   * (or 404) → {@link NotFoundException}, a refused origin (403) → {@link ProviderUnavailableException}, anything
   * else (e.g. {@code loading new config: ...}) → {@link OperationFailedException} with the message verbatim.
   */
  IsolationException error(String what, int status, String backendMessage) {
    String lower = backendMessage.toLowerCase(Locale.ROOT);
    AdminError cause = new AdminError(status, backendMessage);
    String text = what + ": Caddy answered HTTP " + status + ": " + backendMessage;
    if (status == 403) {
      return new ProviderUnavailableException("Caddy's admin API at " + address + " refused the request ("
          + backendMessage + "); allow this client in Caddy's admin \"origins\" (over a unix socket Caddy 2.6 needs"
          + " \"\" among them)", cause);
    }
    if (lower.contains("key already exists") || status == 409) {
      return new ConflictException(text, cause);
    }
    if (lower.contains("key does not exist") || lower.contains("unknown object id") || status == 404) {
      return new NotFoundException(text, cause);
    }
    return new OperationFailedException(what + " (Caddy answered HTTP " + status + ")", backendMessage, cause);
  }

  private ProviderUnavailableException unavailable(String what, IOException e) {
    if (e instanceof InterruptedIOException) {
      return new ProviderUnavailableException(what + ": Caddy's admin API at " + address + " did not answer within "
          + requestTimeout.toMillis() + " ms (" + e.getMessage() + ")", e);
    }
    return new ProviderUnavailableException(what + ": Caddy's admin API at " + address + " is unreachable ("
        + e.getClass().getSimpleName() + ": " + e.getMessage() + "); is Caddy running (caddy run --resume) with its"
        + " admin endpoint there?", e);
  }

  /** Releases the connection pool and the dispatcher's threads. */
  @Override
  public void close() {
    http.dispatcher().executorService().shutdown();
    http.connectionPool().evictAll();
  }
}
