package run.getbot.isolation.caddy.internal;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the running Caddy supports, as far as getbot cares: {@code stream_close_delay} (2.7.0+).
 *
 * <p>Caddy's admin API does not report its version (Debian's 2.6.2 build even reports an empty module version in
 * {@code /metrics}), so unless the caller states the version, this asks Caddy itself without changing anything:
 * {@code POST /adapt} of a Caddyfile that uses the {@code stream_close_delay} subdirective. 2.6.x answers 400
 * {@code unrecognized subdirective stream_close_delay}; 2.7+ adapts it. Nothing is loaded and no request goes to the
 * probe's upstream.
 */
public final class CaddyFeatures {

  private static final Logger LOG = LoggerFactory.getLogger(CaddyFeatures.class);

  /** The probe: a site whose reverse proxy sets {@code stream_close_delay}. */
  static final String PROBE = "http://getbot-probe.invalid:1 {\n"
      + "\treverse_proxy 127.0.0.1:1 {\n"
      + "\t\tstream_close_delay 1s\n"
      + "\t}\n"
      + "}\n";

  private CaddyFeatures() {}

  /**
   * Whether to set {@code stream_close_delay}: from {@code statedVersion} when given, else from the probe's answer.
   */
  public static boolean streamCloseDelay(Optional<CaddyVersion> statedVersion, AdminClient client) {
    if (statedVersion.isPresent()) {
      return statedVersion.get().supportsStreamCloseDelay();
    }
    AdminClient.Reply reply = client.post("/adapt", "text/caddyfile", PROBE.getBytes(StandardCharsets.UTF_8),
        "probing Caddy's features");
    boolean supported = interpret(reply);
    LOG.debug("Caddy at {} {} stream_close_delay (probe answered {}: {})", client.address(),
        supported ? "supports" : "does not support", reply.status(), reply.message());
    return supported;
  }

  /**
   * Reads the probe's answer: 200 means Caddy 2.7+ understood the subdirective. Anything else (2.6's
   * {@code unrecognized subdirective}, a build without the Caddyfile adapter, an odd error) means "don't set it": an
   * unknown field would make an older Caddy refuse the whole config.
   */
  static boolean interpret(AdminClient.Reply reply) {
    return reply.status() == 200;
  }
}
