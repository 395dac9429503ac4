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
 *     default {@code /var/cache/getbot-isolation/getbot-busybox.tar.gz})
 * @param inMemory use the in-memory backends even when real ones answer ({@code --in-memory})
 */
record Settings(Path incusSocket, String caddyAdmin, String listen, String tls, String baseDomain, String imageAlias,
                Path imageTarball, boolean inMemory) {

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
    return new Settings(
        Path.of(env.getOrDefault("INCUS_SOCKET", "/var/lib/incus/unix.socket")),
        env.getOrDefault("GETBOT_CADDY_ADMIN", "http://127.0.0.1:2019"),
        "127.0.0.1:18080", "off", "getbot.run", "getbot-busybox",
        Path.of(env.getOrDefault("GETBOT_TEST_IMAGE", "/var/cache/getbot-isolation/getbot-busybox.tar.gz")),
        false);
  }

  Settings withListen(String value) {
    return new Settings(incusSocket, caddyAdmin, value, tls, baseDomain, imageAlias, imageTarball, inMemory);
  }

  Settings withTls(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, value, baseDomain, imageAlias, imageTarball, inMemory);
  }

  Settings withBaseDomain(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, value, imageAlias, imageTarball, inMemory);
  }

  Settings withImageAlias(String value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, baseDomain, value, imageTarball, inMemory);
  }

  Settings withInMemory(boolean value) {
    return new Settings(incusSocket, caddyAdmin, listen, tls, baseDomain, imageAlias, imageTarball, value);
  }

  /** The port getbot's Caddy server listens on. */
  int listenPort() {
    return Integer.parseInt(listen.substring(listen.lastIndexOf(':') + 1));
  }
}
