package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/** {@code /1.0/instances}: create, read, update, state changes, delete. Internal. */
public final class Instances {

  private final IncusTransport transport;
  private final Operations operations;

  /** Instances over {@code transport}. */
  public Instances(IncusTransport transport, Operations operations) {
    this.transport = transport;
    this.operations = operations;
  }

  /**
   * One instance with its ETag. With {@code withState} the object also carries {@code state} and
   * {@code snapshots} (the recursion=2 shape).
   */
  public Optional<IncusResponse> get(String name, boolean withState) {
    return transport.getIfExists("reading instance " + name,
        "/1.0/instances/" + name + (withState ? "?recursion=1" : ""));
  }

  /** All instances of the project with state and snapshots ({@code recursion=2}). */
  public List<JsonNode> listFull() {
    return array(transport.get("listing instances", "/1.0/instances?recursion=2").metadata());
  }

  /** All instances of every project, without state ({@code recursion=1&all-projects=true}). */
  public List<JsonNode> listAllProjects() {
    return array(transport.get("listing instances", "/1.0/instances?recursion=1&all-projects=true").metadata());
  }

  private static List<JsonNode> array(JsonNode node) {
    List<JsonNode> out = new ArrayList<>();
    if (node != null && node.isArray()) {
      node.forEach(out::add);
    }
    return out;
  }

  /** {@code POST /1.0/instances}; returns the final operation (failures returned, not thrown). */
  public Operation create(ObjectNode body, Duration timeout, Consumer<Operation> progress) {
    String doing = "creating instance " + Json.text(body, "name");
    IncusResponse r = transport.send(doing, "POST", "/1.0/instances", body);
    return operations.await(Operations.started(r), timeout, doing, progress);
  }

  /**
   * {@code PUT /1.0/instances/{name}/state}. {@code timeoutSeconds} null omits the field (never a primitive 0:
   * {@code "timeout":0} means kill).
   *
   * @return the final operation (failures returned, not thrown)
   */
  public Operation changeState(String name, String action, Integer timeoutSeconds, boolean force, Duration wait) {
    ObjectNode body = Json.object();
    body.put("action", action);
    if (timeoutSeconds != null) {
      if (timeoutSeconds <= 0) {
        throw new IllegalArgumentException("a state timeout must be positive (0 means kill in Incus)");
      }
      body.put("timeout", timeoutSeconds);
    }
    body.put("force", force);
    body.put("stateful", false);
    String doing = action + " of instance " + name;
    IncusResponse r = transport.call(doing, "PUT", "/1.0/instances/" + name + "/state", body, Map.of());
    if (r.isError()) {
      return Operation.failed("", doing, r.error().isEmpty() ? "HTTP " + r.httpStatus() : r.error());
    }
    return operations.await(Operations.started(r), wait, doing, null);
  }

  /**
   * {@code PUT /1.0/instances/{name}} with {@code If-Match}; throws {@link EtagMismatchException} on 412 and the
   * mapped exception on other errors, including a failed update operation.
   */
  public void put(String name, ObjectNode body, String etag, Duration timeout) {
    String doing = "updating instance " + name;
    Map<String, String> headers = etag.isEmpty() ? Map.of() : Map.of("If-Match", "\"" + etag + "\"");
    IncusResponse r = transport.send(doing, "PUT", "/1.0/instances/" + name, body, headers);
    operations.awaitSuccess(Operations.started(r), timeout, doing, null);
  }

  /** {@code PATCH /1.0/instances/{name}} (sync). Callers must resend {@code description}: 6.0.x wipes it otherwise. */
  public void patch(String name, ObjectNode body) {
    transport.send("updating instance " + name, "PATCH", "/1.0/instances/" + name, body);
  }

  /** {@code DELETE /1.0/instances/{name}}; false if it was already gone. */
  public boolean delete(String name, Duration timeout) {
    String doing = "deleting instance " + name;
    IncusResponse r = transport.call(doing, "DELETE", "/1.0/instances/" + name, null, Map.of());
    if (r.isError()) {
      if (r.code() == 404) {
        return false;
      }
      throw IncusErrors.toException(doing, r);
    }
    operations.awaitSuccess(Operations.started(r), timeout, doing, null);
    return true;
  }

  /** {@code GET /1.0/instances/{name}/state}. */
  public JsonNode state(String name) {
    return transport.get("reading the state of instance " + name, "/1.0/instances/" + name + "/state").metadata();
  }
}
