package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Ipv4Address;

/** {@code /1.0/networks}: managed bridges and their leases. Internal. */
public final class Networks {

  private final IncusTransport transport;

  /** Networks over {@code transport}. */
  public Networks(IncusTransport transport) {
    this.transport = transport;
  }

  /** The network object, or empty if there is none by that name. */
  public Optional<JsonNode> get(String name) {
    return transport.getIfExists("reading network " + name, "/1.0/networks/" + name).map(IncusResponse::metadata);
  }

  /** Creates the bridge ({@code ipv4.address}, {@code ipv4.nat}, {@code ipv6.address=none}); 409 throws conflict. */
  public void create(BridgeSpec spec) {
    ObjectNode body = Json.object();
    body.put("name", spec.name());
    body.put("type", "bridge");
    body.put("description", "getbot org bridge");
    ObjectNode config = body.putObject("config");
    config.put("ipv4.address", spec.gatewayCidr());
    config.put("ipv4.nat", Boolean.toString(spec.nat()));
    config.put("ipv6.address", "none");
    transport.send("creating network " + spec.name(), "POST", "/1.0/networks", body);
  }

  /** Deletes the network; false if it did not exist. "In use" throws conflict. */
  public boolean delete(String name) {
    IncusResponse r = transport.call("deleting network " + name, "DELETE", "/1.0/networks/" + name, null, Map.of());
    if (r.isError()) {
      if (r.code() == 404) {
        return false;
      }
      throw IncusErrors.toException("deleting network " + name, r);
    }
    return true;
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
