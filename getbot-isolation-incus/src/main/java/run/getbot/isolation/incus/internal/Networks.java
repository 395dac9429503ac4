package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.OperationFailedException;

/** {@code /1.0/networks}: managed bridges and their leases. Internal. */
public final class Networks {

  /** The start of Incus' message when a bridge's start races with an interface that disappears. */
  static final String VANISHED_CHILD = "Failed to delete bridge children interfaces";
  /** Attempts at creating or deleting a bridge when that race hits. */
  static final int ATTEMPTS = 5;

  private static final Logger LOG = LoggerFactory.getLogger(Networks.class);

  private final IncusTransport transport;

  /** Networks over {@code transport}. */
  public Networks(IncusTransport transport) {
    this.transport = transport;
  }

  /** The network object, or empty if there is none by that name. */
  public Optional<JsonNode> get(String name) {
    return transport.getIfExists("reading network " + name, "/1.0/networks/" + name).map(IncusResponse::metadata);
  }

  /**
   * Creates the bridge ({@code ipv4.address}, {@code ipv4.nat}, {@code ipv6.address=none}); 409 throws conflict.
   * Retried when it races with an interface that vanishes ("Failed to delete bridge children interfaces … does not
   * exist"), after removing whatever the failed attempt left.
   */
  public void create(BridgeSpec spec) {
    ObjectNode body = Json.object();
    body.put("name", spec.name());
    body.put("type", "bridge");
    body.put("description", "getbot org bridge");
    ObjectNode config = body.putObject("config");
    config.put("ipv4.address", spec.gatewayCidr());
    config.put("ipv4.nat", Boolean.toString(spec.nat()));
    config.put("ipv6.address", "none");
    String doing = "creating network " + spec.name();
    racing(doing, () -> transport.send(doing, "POST", "/1.0/networks", body), () -> {
      if (get(spec.name()).isPresent()) {
        delete(spec.name());
      }
    });
  }

  /**
   * Deletes the network; false if it did not exist. "In use" throws conflict. Retried when it races with an interface
   * that vanishes, as {@link #create} is.
   */
  public boolean delete(String name) {
    String doing = "deleting network " + name;
    return racing(doing, () -> {
      IncusResponse r = transport.call(doing, "DELETE", "/1.0/networks/" + name, null, Map.of());
      if (r.isError()) {
        if (r.code() == 404) {
          return false;
        }
        throw IncusErrors.toException(doing, r);
      }
      return true;
    }, () -> { });
  }

  /**
   * Runs {@code call}. Incus 6.0 fails a bridge's start or delete when an interface of another instance vanishes while
   * it walks the host's interfaces ({@value #VANISHED_CHILD}: … does not exist); then {@code cleanUp} runs and the
   * call is tried again, {@value #ATTEMPTS} attempts at most. Any other failure is thrown at once.
   */
  private <T> T racing(String doing, Supplier<T> call, Runnable cleanUp) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (OperationFailedException e) {
        if (attempt == ATTEMPTS || !e.backendMessage().contains(VANISHED_CHILD)
            || !e.backendMessage().contains("does not exist")) {
          throw e;
        }
        LOG.info("{} raced with a vanishing interface (attempt {}): {}; trying again", doing, attempt,
            e.backendMessage());
        cleanUp.run();
        try {
          Thread.sleep(100L * attempt);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /**
   * Every address the bridge's DHCP server has handed out or reserved (static and dynamic), except the gateway and
   * the leases of host {@code exceptHostname}.
   */
  public List<Ipv4Address> leasedAddresses(String name, String exceptHostname) {
    List<Ipv4Address> out = new ArrayList<>();
    JsonNode leases = transport.get("reading leases of network " + name, "/1.0/networks/" + name + "/leases")
        .metadata();
    if (leases.isArray()) {
      for (JsonNode lease : leases) {
        String address = Json.text(lease, "address");
        if (!"gateway".equals(Json.text(lease, "type")) && !exceptHostname.equals(Json.text(lease, "hostname"))
            && Ipv4Address.isValid(address)) {
          out.add(Ipv4Address.parse(address));
        }
      }
    }
    return out;
  }
}
