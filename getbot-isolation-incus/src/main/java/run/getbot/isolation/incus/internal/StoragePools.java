package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import run.getbot.isolation.PoolSpec;

/** {@code /1.0/storage-pools}. Internal. */
public final class StoragePools {

  /** Where Incus puts a {@code dir} pool when no {@code source} is given. */
  public static final Path DEFAULT_PARENT = Path.of("/var/lib/incus/storage-pools");

  private final IncusTransport transport;

  /** Storage pools over {@code transport}. */
  public StoragePools(IncusTransport transport) {
    this.transport = transport;
  }

  /** The pool object, or empty. */
  public Optional<JsonNode> get(String name) {
    return transport.getIfExists("reading storage pool " + name, "/1.0/storage-pools/" + name)
        .map(IncusResponse::metadata);
  }

  /**
   * Creates the pool. A {@code dir} pool at Incus' default place is created without {@code source} (Incus makes the
   * directory); any other source must exist and be empty, and must not be inside {@code /var/lib/incus}.
   */
  public void create(PoolSpec spec) {
    ObjectNode body = Json.object();
    body.put("name", spec.name());
    body.put("driver", spec.driver().incusName());
    body.put("description", "getbot org storage");
    ObjectNode config = body.putObject("config");
    if (!spec.source().equals(DEFAULT_PARENT.resolve(spec.name()))) {
      config.put("source", spec.source().toString());
    }
    transport.send("creating storage pool " + spec.name(), "POST", "/1.0/storage-pools", body);
  }

  /** Deletes the pool; false if it did not exist. "In use" throws conflict. */
  public boolean delete(String name) {
    IncusResponse r = transport.call("deleting storage pool " + name, "DELETE", "/1.0/storage-pools/" + name, null,
        Map.of());
    if (r.isError()) {
      if (r.code() == 404) {
        return false;
      }
      throw IncusErrors.toException("deleting storage pool " + name, r);
    }
    return true;
  }
}
