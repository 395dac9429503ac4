package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * An Incus background operation ({@code shared/api/operation.go}), as last seen. Internal.
 *
 * @param id the operation's UUID
 * @param description e.g. {@code Creating instance}
 * @param statusCode 100–401; final when 200 (success), 400 (failure) or 401 (cancelled)
 * @param err the daemon's error message for a failed operation, else {@code ""}
 * @param metadata the operation's own metadata (exec return code, image fingerprint, progress)
 */
public record Operation(String id, String description, int statusCode, String err, JsonNode metadata) {

  /** Status code of a successful operation. */
  public static final int SUCCESS = 200;
  /** Status code of a failed operation. */
  public static final int FAILURE = 400;
  /** Status code of a cancelled operation. */
  public static final int CANCELLED = 401;

  /** Reads an operation object. */
  public static Operation of(JsonNode node) {
    JsonNode metadata = node.get("metadata");
    return new Operation(Json.text(node, "id"), Json.text(node, "description"), node.path("status_code").asInt(0),
        Json.text(node, "err"), metadata == null ? NullNode.getInstance() : metadata);
  }

  /** A failed operation known only by its error message (what {@code /wait} returns for a failure). */
  public static Operation failed(String id, String description, String err) {
    return new Operation(id, description, FAILURE, err, NullNode.getInstance());
  }

  /** True once the operation ended, whatever the outcome. */
  public boolean isFinal() {
    return statusCode == SUCCESS || statusCode == FAILURE || statusCode == CANCELLED;
  }

  /** True when it ended successfully. */
  public boolean succeeded() {
    return statusCode == SUCCESS;
  }

  /** The daemon's message for a failure, or a generic one. */
  public String failureMessage() {
    if (!err.isEmpty()) {
      return err;
    }
    return statusCode == CANCELLED ? "operation cancelled" : "operation failed (status " + statusCode + ")";
  }
}
