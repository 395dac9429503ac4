package run.getbot.isolation.examples;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import run.getbot.isolation.Hosts;
import run.getbot.isolation.InvalidSpecException;

/**
 * Where the command-line program finds its backends and how it routes.
 *
 * @param incusSocket the Incus unix socket ({@code $INCUS_SOCKET}, default {@code /var/lib/incus/unix.socket})
 * @param caddyAdmin Caddy's admin endpoint ({@code $GETBOT_CADDY_ADMIN}, default {@code http://127.0.0.1:2019})
 * @param listen where getbot's Caddy server listens ({@code --listen}, default {@code 127.0.0.1:18080})
 * @param tls {@code off}, {@code internal} or {@code acme:EMAIL} ({@code --tls}, default {@code off})
 * @param baseDomain org hosts are {@code ORG.<baseDomain>} ({@code --base-domain}, default {@code getbot.run})
 * @param imageAlias the org image's alias ({@code --image}, default {@code getbot-busybox})
 * @param imageTarball a unified image tarball imported under that alias when present ({@code $GETBOT_TEST_IMAGE},
 *     default {@code getbot-busybox.tar.gz} in {@code $GETBOT_CACHE}, default {@code /var/cache/getbot-isolation})
 * @param dockerImage the Docker-in-Incus image tarball for {@code demo --docker} ({@code $GETBOT_DOCKER_IMAGE},
 *     default {@code getbot-docker.tar.gz} in the same cache), built by {@code scripts/build-docker-image.sh}
 * @param inMemory use the in-memory backends even when real ones answer ({@code --in-memory})
 */
record Settings(Path incusSocket, String caddyAdmin, String listen, String tls, String baseDomain, String imageAlias,
                Path imageTarball, Path dockerImage, boolean inMemory) {

  /** The image alias new org containers use unless {@code --image} names another. */
  static final String DEFAULT_IMAGE_ALIAS = "getbot-busybox";
  /** The alias {@code demo --docker} imports the Docker image as, unless {@code --image} names another. */
  static final String DOCKER_IMAGE_ALIAS = "getbot-docker";

  Settings {
    Objects.requireNonNull(incusSocket, "incusSocket");
    Objects.requireNonNull(caddyAdmin, "caddyAdmin");
    Objects.requireNonNull(listen, "listen");
    if (!listen.matches("[0-9.]*:[0-9]{1,5}")) {
      throw new InvalidSpecException("--listen " + listen + " must be HOST:PORT with an IPv4 host, e.g. 127.0.0.1:18080");
    }
    if (!tls.equals("off") && !tls.equals("internal") && !tls.startsWith("acme:")) {
      throw new InvalidSpecException("--tls " + tls + " must be off, internal or acme:EMAIL");
    }
    baseDomain = Hosts.check(baseDomain);
  }

  /** The defaults, with the environment's overrides. */
  static Settings fromEnvironment(Map<String, String> env) {
    Path cache = Path.of(env.getOrDefault("GETBOT_CACHE", "/var/cache/getbot-isolation"));
    return new Settings(
        Path.of(env.getOrDefault("INCUS_SOCKET", "/var/lib/incus/unix.socket")),
        env.getOrDefault("GETBOT_CADDY_ADMIN", "http://127.0.0.1:2019"),
        "127.0.0.1:18080", "off", "getbot.run", DEFAULT_IMAGE_ALIAS,
        Path.of(env.getOrDefault("GETBOT_TEST_IMAGE", cache.resolve("getbot-busybox.tar.gz").toString())),
        Path.of(env.getOrDefault("GETBOT_DOCKER_IMAGE", cache.resolve("getbot-docker.tar.gz").toString())),
        false);
  }

  /** For {@code demo --docker}: new org containers come from the Docker image, imported as {@code getbot-docker}. */
  Settings forDocker() {
    String alias = imageAlias.equals(DEFAULT_IMAGE_ALIAS) ? DOCKER_IMAGE_ALIAS : imageAlias;
    return new Settings(incusSocket, caddyAdmin, listen, tls, baseDomain, alias, dockerImage, dockerImage, inMemory);
  }

  Settings withListen(String value) {
    return new Settings(incusSocket, caddyAdmin, value, tls, baseDomain, imageAlias,
        imageTarball, dockerImage, inMemory);
  }

  Settings withTls(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, value, baseDomain, imageAlias,
        imageTarball, dockerImage, inMemory);
  }

  Settings withBaseDomain(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, value, imageAlias, imageTarball, dockerImage, inMemory);
  }

  Settings withImageAlias(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, baseDomain, value, imageTarball, dockerImage, inMemory);
  }

  Settings withInMemory(boolean value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, baseDomain, imageAlias,
        imageTarball, dockerImage, value);
  }

  /** The port getbot's Caddy server listens on. */
  int listenPort() {
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }
}
