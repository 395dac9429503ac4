package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * The standard Incus response envelope ({@code shared/api/response.go}). Internal.
 *
 * @param httpStatus the HTTP status code
 * @param type {@code sync}, {@code async} or {@code error}
 * @param errorCode {@code error_code} (the HTTP status for errors, 0 otherwise)
 * @param error the daemon's error message, {@code ""} unless {@code type} is {@code error}
 * @param metadata the payload (an {@link NullNode} when absent)
 * @param operation the operation URL of an async response, else {@code ""}
 * @param etag the {@code ETag} header without quotes, or {@code ""}
 */
public record IncusResponse(int httpStatus, String type, int errorCode, String error, JsonNode metadata,
                            String operation, String etag) {

  /** True when the daemon reported an error (by body type, or by HTTP status if the body had none). */
  public boolean isError() {
    return "error".equals(type) || httpStatus >= 400;
  }

  /** True for an async (operation) response. */
  public boolean isAsync() {
    return "async".equals(type);
  }

  /** The error code to classify by: {@code error_code}, else the HTTP status. */
  public int code() {
    return errorCode != 0 ? errorCode : httpStatus;
  }

  /** Builds the envelope from a parsed body; tolerates a missing or non-JSON body. */
  static IncusResponse of(int httpStatus, JsonNode body, String etag) {
    if (body == null || !body.isObject()) {
      return new IncusResponse(httpStatus, httpStatus >= 400 ? "error" : "sync", httpStatus >= 400 ? httpStatus : 0,
          httpStatus >= 400 ? "HTTP " + httpStatus : "", NullNode.getInstance(), "", etag);
    }
    JsonNode metadata = body.get("metadata");
    return new IncusResponse(httpStatus, Json.text(body, "type"), body.path("error_code").asInt(0),
        Json.text(body, "error"), metadata == null ? NullNode.getInstance() : metadata,
        Json.text(body, "operation"), etag);
  }
}
