package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import okhttp3.RequestBody;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.NotFoundException;

/** {@code /1.0/images} and {@code /1.0/images/aliases}. Internal. */
public final class Images {

  private final IncusTransport transport;
  private final Operations operations;

  /** Images over {@code transport}. */
  public Images(IncusTransport transport, Operations operations) {
    this.transport = transport;
    this.operations = operations;
  }

  /** The image with this fingerprint (or unique prefix), or empty. */
  public Optional<JsonNode> image(String fingerprint) {
    return transport.getIfExists("reading image " + fingerprint, "/1.0/images/" + fingerprint)
        .map(IncusResponse::metadata);
  }

  /** The fingerprint an alias points at, or empty. */
  public Optional<String> aliasTarget(String alias) {
    return transport.getIfExists("reading image alias " + alias, "/1.0/images/aliases/" + IncusTransport.enc(alias))
        .map(r -> Json.text(r.metadata(), "target"));
  }

  /** Points a new alias at {@code fingerprint}; an existing alias throws conflict (409). */
  public void createAlias(String alias, String fingerprint, String description) {
    ObjectNode body = Json.object();
    body.put("name", alias);
    body.put("target", fingerprint);
    body.put("description", description);
    transport.send("creating image alias " + alias, "POST", "/1.0/images/aliases", body);
  }

  /**
   * Uploads an image ({@code POST /1.0/images}) and waits for the import.
   *
   * @return the final operation, failed or not
   */
  public Operation upload(String doing, RequestBody body, Map<String, String> headers, Duration timeout,
                          Consumer<Operation> progress) {
    IncusResponse r = transport.exchange(doing, "POST", "/1.0/images", body, headers);
    if (r.isError()) {
      throw IncusErrors.toException(doing, r);
    }
    return operations.await(Operations.started(r), timeout, doing, progress);
  }

  /**
   * Checks that a local image reference exists.
   *
   * @throws NotFoundException if the alias or fingerprint is unknown
   */
  public void requireLocal(ImageRef ref) {
    if (ref instanceof ImageRef.Alias alias) {
      if (aliasTarget(alias.name()).isEmpty()) {
        throw new NotFoundException("image alias '" + alias.name() + "' does not exist in Incus project '"
            + transport.project() + "'; import the image first (IncusIsolationProvider.importImage)");
      }
    } else if (ref instanceof ImageRef.Fingerprint fp) {
      if (image(fp.sha256()).isEmpty()) {
        throw new NotFoundException("image " + fp.sha256() + " does not exist in Incus project '"
            + transport.project() + "'; import the image first (IncusIsolationProvider.importImage)");
      }
    }
  }

  /** The instance-create {@code source} object for an image reference. */
  public static ObjectNode source(ImageRef ref) {
    ObjectNode source = Json.object();
    source.put("type", "image");
    if (ref instanceof ImageRef.Alias alias) {
      source.put("alias", alias.name());
    } else if (ref instanceof ImageRef.Fingerprint fp) {
      source.put("fingerprint", fp.sha256());
    } else if (ref instanceof ImageRef.Remote remote) {
      source.put("server", remote.server().toString());
      source.put("protocol", "simplestreams");
      source.put("alias", remote.alias());
      source.put("mode", "pull");
    }
    return source;
  }
}
