package run.getbot.isolation.caddy;

import java.net.URI;
import java.util.Objects;
import java.util.Optional;
import run.getbot.isolation.InvalidSpecException;

/**
 * How getbot's Caddy server terminates TLS for the org hosts.
 *
 * <ul>
 *   <li>{@link #acme(String)}: automatic HTTPS with public certificates (Let's Encrypt, ZeroSSL as fallback), the
 *       ACME account registered with the given email. Production.
 *   <li>{@link #internal()}: certificates from Caddy's local CA (Caddyfile {@code tls internal}); clients must trust
 *       its root ({@code GET /pki/ca/local} on the admin API). Development and tests.
 *   <li>{@link #off()}: plain HTTP, e.g. behind another TLS terminator.
 * </ul>
 */
public sealed interface TlsMode permits TlsMode.Off, TlsMode.Internal, TlsMode.Acme {

  /** Plain HTTP: Caddy's automatic HTTPS is disabled for getbot's server. */
  static TlsMode off() {
    return new Off();
  }

  /**
   * Certificates from Caddy's internal CA. Caddy (when it runs as root) also installs that CA's root into the host's
   * trust store unless its config sets {@code apps.pki.certificate_authorities.local.install_trust} to false; this
   * SDK leaves that setting to the operator.
   */
  static TlsMode internal() {
    return new Internal();
  }

  /** Public certificates by ACME, with {@code email} for the account (expiry notices, rate-limit contact). */
  static TlsMode acme(String email) {
    return new Acme(email, Optional.empty());
  }

  /** As {@link #acme(String)}, from the ACME directory {@code directory} (e.g. Let's Encrypt staging). */
  static TlsMode acme(String email, URI directory) {
    return new Acme(email, Optional.of(directory));
  }

  /** Plain HTTP. */
  record Off() implements TlsMode {}

  /** Caddy's internal CA. */
  record Internal() implements TlsMode {}

  /**
   * ACME certificates.
   *
   * @param email the ACME account email
   * @param directory the ACME directory URL; empty: Let's Encrypt with ZeroSSL as fallback
   */
  record Acme(String email, Optional<URI> directory) implements TlsMode {
    /** Validates the email and the directory URL. */
    public Acme {
      Objects.requireNonNull(email, "email");
      Objects.requireNonNull(directory, "directory");
      if (!email.matches("[^\\s@\\p{Cntrl}]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}") || email.length() > 254) {
        throw new InvalidSpecException("ACME email '" + email.replaceAll("\\p{Cntrl}", "?")
            + "' must be an address like ops@example.com");
      }
      directory.ifPresent(uri -> {
        if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme()) || uri.getHost() == null) {
          throw new InvalidSpecException("ACME directory '" + uri + "' must be an http(s) URL");
        }
      });
    }
  }
}
