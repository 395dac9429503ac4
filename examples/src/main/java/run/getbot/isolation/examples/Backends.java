package run.getbot.isolation.examples;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgIsolation;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.caddy.CaddyIngress;
import run.getbot.isolation.caddy.TlsMode;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.testkit.InMemoryIngress;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

/**
 * The provider and ingress the program drives: real Incus and Caddy when they answer, otherwise the in-memory fakes.
 */
final class Backends implements AutoCloseable {

  private final Settings settings;
  private final IsolationProvider provider;
  private final Ingress ingress;
  private final ImageRef image;
  private final String description;

  private Backends(Settings settings, IsolationProvider provider, Ingress ingress, ImageRef image,
                   String description) {
    this.settings = settings;
    this.provider = provider;
    this.ingress = ingress;
    this.image = image;
    this.description = description;
  }

  /** Uses whatever answers; in-memory for the rest. */
  static Backends detect(Settings settings) {
    IsolationProvider provider = null;
    String incus;
    ImageRef image = ImageRef.alias(settings.imageAlias());
    if (settings.inMemory()) {
      incus = "in-memory provider (--in-memory)";
    } else if (!Files.exists(settings.incusSocket())) {
      incus = "in-memory provider (no Incus socket at " + settings.incusSocket() + ")";
    } else {
      IncusIsolationProvider incusProvider = IncusIsolationProvider.builder().socket(settings.incusSocket()).build();
      try {
        incusProvider.list();
        provider = incusProvider;
        incus = "Incus at " + settings.incusSocket();
      } catch (IsolationException e) {
        incusProvider.close();
        incus = "in-memory provider (Incus at " + settings.incusSocket() + " did not answer: " + e.getMessage() + ")";
      }
      if (provider != null && Files.isRegularFile(settings.imageTarball())) {
        try {
          // Incus answers, so a failed import is an error of its own (say, the alias names another build), not a
          // reason to fall back to the in-memory provider.
          image = incusProvider.importImage(settings.imageTarball(), settings.imageAlias()).image();
        } catch (IsolationException e) {
          incusProvider.close();
          throw e;
        }
      }
    }
    if (provider == null) {
      provider = InMemoryIsolationProvider.create();
    }

    Ingress ingress = null;
    String caddy;
    if (settings.inMemory()) {
      caddy = "in-memory ingress";
    } else {
      CaddyIngress caddyIngress = CaddyIngress.builder().adminAddress(settings.caddyAdmin()).tls(tlsMode(settings))
          .listen(settings.listen()).httpRedirects(false).stripPathPrefix(true).build();
      try {
        caddyIngress.routes();
        ingress = caddyIngress;
        caddy = "Caddy at " + settings.caddyAdmin() + " serving " + settings.listen();
      } catch (IsolationException e) {
        caddyIngress.close();
        caddy = "in-memory ingress (no Caddy admin at " + settings.caddyAdmin() + ")";
      }
    }
    if (ingress == null) {
      ingress = InMemoryIngress.create();
    }
    boolean allInMemory = provider instanceof InMemoryIsolationProvider && ingress instanceof InMemoryIngress;
    return new Backends(settings, provider, ingress, image, "backends: " + incus + "; " + caddy
        + (allInMemory ? " (state lives only as long as this command)" : ""));
  }

  private static TlsMode tlsMode(Settings settings) {
    if (settings.tls().equals("off")) {
      return TlsMode.off();
    }
    return settings.tls().equals("internal") ? TlsMode.internal() : TlsMode.acme(settings.tls().substring(5));
  }

  /**
   * Fails unless org containers can run Docker here: a real Incus (the in-memory provider runs no Docker) and the
   * Docker image's tarball, which {@link #detect} imported.
   *
   * @throws ProviderUnavailableException naming what is missing and how to get it
   */
  void requireDocker(String command) {
    if (provider instanceof InMemoryIsolationProvider) {
      throw new ProviderUnavailableException(command + " runs Docker inside a real Incus container; the in-memory "
          + "provider has none (start Incus with scripts/start-incus.sh, or set INCUS_SOCKET)");
    }
    if (!Files.isRegularFile(settings.imageTarball())) {
      throw new ProviderUnavailableException(command + " needs the Docker image, and there is none at "
          + settings.imageTarball() + ": build it with scripts/build-docker-image.sh (as root) or set "
          + "GETBOT_DOCKER_IMAGE");
    }
  }

  /** One line saying which backends are in use. */
  String description() {
    return description;
  }

  IsolationProvider provider() {
    return provider;
  }

  Ingress ingress() {
    return ingress;
  }

  /** The deploy pipeline over these backends. */
  OrgIsolation isolation() {
    return OrgIsolation.builder(provider, ingress, image).baseDomain(settings.baseDomain())
        .scheme(settings.tls().equals("off") ? "http" : "https").build();
  }

  /**
   * Sends a request along {@code route} and returns what came back: through Caddy on its loopback listener when Caddy
   * is real; straight to the container when only Incus is; a description of the route when both are in memory.
   */
  String request(RouteSpec route) {
    String path = route.pathPrefix().orElse("") + "/";
    if (ingress instanceof CaddyIngress) {
      String scheme = settings.tls().equals("off") ? "http" : "https";
      return get(scheme + "://" + route.host() + ":" + settings.listenPort() + path, route.host());
    }
    Optional<RouteSpec> resolved = ((InMemoryIngress) ingress).resolve(route.host(), path);
    String target = resolved.map(r -> r.upstream().toString()).orElse("nothing (404)");
    if (provider instanceof InMemoryIsolationProvider || resolved.isEmpty()) {
      return "in-memory ingress routes " + route.host() + path + " to " + target + "; nothing listens in memory";
    }
    return get("http://" + target + "/", null);
  }

  /** GET {@code url}; {@code loopbackHost}, if set, resolves to 127.0.0.1 (Caddy's listener) and nowhere else. */
  private static String get(String url, String loopbackHost) {
    OkHttpClient client = new OkHttpClient.Builder()
        .dns(host -> {
          if (host.equals(loopbackHost)) {
            return List.of(InetAddress.getByAddress(host, new byte[] {127, 0, 0, 1}));
          }
          return List.of(InetAddress.getByName(host));
        })
        .callTimeout(Duration.ofSeconds(10)).build();
    try (Response response = client.newCall(new Request.Builder().url(url).build()).execute()) {
      return "GET " + url + " -> " + response.code() + ": " + response.body().string().strip();
    } catch (IOException e) {
      throw new OperationFailedException("request to " + url + " failed", String.valueOf(e.getMessage()), e);
    } finally {
      client.dispatcher().executorService().shutdown();
      client.connectionPool().evictAll();
    }
  }

  @Override
  public void close() {
    provider.close();
    ingress.close();
  }
}
