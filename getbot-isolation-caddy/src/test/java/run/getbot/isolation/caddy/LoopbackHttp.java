package run.getbot.isolation.caddy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Proxy;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;

/**
 * The test's HTTP client for traffic through Caddy: every {@code *.test} name resolves to 127.0.0.1 and nothing else
 * resolves at all, so no request can leave the loopback interface. Optionally trusts one root certificate (Caddy's
 * local CA) for HTTPS.
 */
final class LoopbackHttp implements AutoCloseable {

  /**
   * One answer.
   *
   * @param status HTTP status
   * @param body the body as text
   */
  record Answer(int status, String body) {}

  private final OkHttpClient client;

  private LoopbackHttp(OkHttpClient client) {
    this.client = client;
  }

  /** Plain HTTP. */
  static LoopbackHttp plain() {
    return new LoopbackHttp(base().build());
  }

  /** HTTPS trusting only {@code rootPem}. */
  static LoopbackHttp trusting(String rootPem) {
    try {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      store.setCertificateEntry("caddy-local-root", CertificateFactory.getInstance("X.509")
          .generateCertificate(new ByteArrayInputStream(rootPem.getBytes(StandardCharsets.US_ASCII))));
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      X509TrustManager trust = (X509TrustManager) tmf.getTrustManagers()[0];
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, new javax.net.ssl.TrustManager[] {trust}, null);
      return new LoopbackHttp(base().sslSocketFactory(ssl.getSocketFactory(), trust).build());
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static OkHttpClient.Builder base() {
    return new OkHttpClient.Builder()
        .proxy(Proxy.NO_PROXY)
        .followRedirects(false)
        .connectTimeout(Duration.ofSeconds(2))
        .readTimeout(Duration.ofSeconds(10))
        .dns(host -> {
          if (host.endsWith(".test")) {
            return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
          }
          throw new UnknownHostException("test DNS resolves only *.test (to 127.0.0.1), not " + host);
        });
  }

  /** GET {@code url}. */
  Answer get(String url) {
    try (Response r = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return new Answer(r.code(), r.body().string());
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + url + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    client.dispatcher().executorService().shutdown();
    client.connectionPool().evictAll();
  }
}
