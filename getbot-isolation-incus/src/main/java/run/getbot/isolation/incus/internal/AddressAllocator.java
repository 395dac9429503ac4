package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.Ipv4Address;

/**
 * Finds the lowest free static address on a bridge. "Used" means: the {@code ipv4.address} of any NIC on that bridge
 * in any project (stopped instances included, as Incus checks them at start), plus every address in the bridge's
 * lease list (dynamic DHCP leases too). Callers serialize allocation per bridge within the JVM; across processes the
 * daemon's start-time check ("already defined on another NIC") is the backstop. Internal.
 */
public final class AddressAllocator {

  private final Instances instances;
  private final Networks networks;

  /** An allocator reading {@code instances} and {@code networks}. */
  public AddressAllocator(Instances instances, Networks networks) {
    this.instances = instances;
    this.networks = networks;
  }

  /**
   * A NIC on the bridge holding a static address.
   *
   * @param instance the instance's name
   * @param project its project
   * @param address the static address
   * @param instanceJson the instance object
   */
  public record Holder(String instance, String project, Ipv4Address address, JsonNode instanceJson) {}

  /** Every static address on {@code bridge}, with who holds it. */
  public List<Holder> holders(String bridge) {
    List<Holder> out = new ArrayList<>();
    for (JsonNode inst : instances.listAllProjects()) {
      JsonNode devices = Json.obj(inst, "expanded_devices");
      if (devices.size() == 0) {
        devices = Json.obj(inst, "devices");
      }
      devices.elements().forEachRemaining(d -> {
        if (!"nic".equals(Json.text(d, "type"))) {
          return;
        }
        boolean onBridge = bridge.equals(Json.text(d, "network"))
            || bridge.equals(Json.text(d, "parent")) && Json.text(d, "network").isEmpty();
        String ip = Json.text(d, "ipv4.address");
        if (onBridge && Ipv4Address.isValid(ip)) {
          out.add(new Holder(Json.text(inst, "name"), Json.text(inst, "project"), Ipv4Address.parse(ip), inst));
        }
      });
    }
    return out;
  }

  /** Addresses in use on the bridge, not counting {@code instance}'s own NIC (in {@code project}). */
  public Set<Ipv4Address> used(String bridge, String instance, String project) {
    Set<Ipv4Address> used = new HashSet<>();
    for (Holder h : holders(bridge)) {
      if (!(h.instance().equals(instance) && (h.project().isEmpty() || h.project().equals(project)))) {
        used.add(h.address());
      }
    }
    used.addAll(networks.leasedAddresses(bridge, instance));
    return used;
  }

  /**
   * The lowest org address of the bridge not in {@code used}.
   *
   * @throws ConflictException if every address is taken
   */
  public static Ipv4Address lowestFree(BridgeSpec bridge, Set<Ipv4Address> used) {
    Ipv4Address last = bridge.subnet().broadcast();
    for (Ipv4Address ip = bridge.firstOrgAddress(); ip.compareTo(last) < 0; ip = ip.plus(1)) {
      if (bridge.isOrgAddress(ip) && !used.contains(ip)) {
        return ip;
      }
    }
    throw new ConflictException("bridge " + bridge.name() + " has no free org address left in " + bridge.subnet()
        + " from " + bridge.firstOrgAddress());
  }
}
