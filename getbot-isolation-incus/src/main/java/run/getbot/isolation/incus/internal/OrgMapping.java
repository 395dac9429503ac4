package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.SecurityFlags;

/**
 * How an org is written into an Incus instance and read back. Everything the SDK owns lives in {@code limits.*}, the
 * three {@code security.*} keys and {@code user.getbot.*}; the marker {@value #MARKER}{@code =true} tells the SDK's
 * instances from the others. Internal.
 */
public final class OrgMapping {

  /** Marker config key: present ({@code "true"}) on every instance this SDK created. */
  public static final String MARKER = "user.getbot.managed";
  /** Config key holding the version of this mapping. */
  public static final String SPEC_VERSION = "user.getbot.spec-version";
  /** Current mapping version. */
  public static final String VERSION = "1";
  /** Prefix of the label keys: {@code user.getbot.label.<key>}. */
  public static final String LABEL_PREFIX = "user.getbot.label.";

  static final String CPU = "limits.cpu";
  static final String MEMORY = "limits.memory";
  static final String PROCESSES = "limits.processes";
  static final String NESTING = "security.nesting";
  static final String MKNOD = "security.syscalls.intercept.mknod";
  static final String SETXATTR = "security.syscalls.intercept.setxattr";

  private OrgMapping() {}

  /** True when the instance carries the SDK's marker. */
  public static boolean isManaged(JsonNode instance) {
    return "true".equals(Json.text(Json.obj(instance, "config"), MARKER));
  }

  /** The config keys the spec determines (all of them; a key absent here is removed from the SDK's namespace). */
  public static Map<String, String> desiredConfig(OrgSpec spec) {
    Map<String, String> c = new LinkedHashMap<>();
    ResourceLimits l = spec.limits();
    c.put(CPU, Integer.toString(l.cpus()));
    c.put(MEMORY, l.memory().format());
    l.processes().ifPresent(p -> c.put(PROCESSES, Integer.toString(p)));
    SecurityFlags f = spec.flags();
    c.put(NESTING, Boolean.toString(f.nesting()));
    c.put(MKNOD, Boolean.toString(f.interceptMknod()));
    c.put(SETXATTR, Boolean.toString(f.interceptSetxattr()));
    c.put(MARKER, "true");
    c.put(SPEC_VERSION, VERSION);
    spec.labels().forEach((k, v) -> c.put(LABEL_PREFIX + k, v));
    return c;
  }

  /**
   * The instance config after converging {@code current} to the spec: the spec's keys set, the SDK's keys the spec no
   * longer has ({@code limits.processes}, old labels) removed, everything else ({@code volatile.*}, image keys,
   * foreign keys) kept.
   */
  public static Map<String, String> convergedConfig(Map<String, String> current, OrgSpec spec) {
    Map<String, String> next = new LinkedHashMap<>(current);
    next.keySet().removeIf(k -> k.startsWith(LABEL_PREFIX) || k.equals(PROCESSES));
    next.putAll(desiredConfig(spec));
    return next;
  }

  /** The root disk device for the spec. */
  public static ObjectNode rootDevice(OrgSpec spec) {
    ObjectNode root = Json.object();
    root.put("type", "disk");
    root.put("path", "/");
    root.put("pool", spec.pool().name());
    spec.limits().rootDisk().ifPresent(size -> root.put("size", size.format()));
    return root;
  }

  /** The {@code eth0} NIC: on the managed bridge (no {@code nictype}), static address, port isolation. */
  public static ObjectNode nicDevice(String bridge, Ipv4Address address) {
    ObjectNode nic = Json.object();
    nic.put("type", "nic");
    nic.put("name", "eth0");
    nic.put("network", bridge);
    nic.put("ipv4.address", address.toString());
    nic.put("security.port_isolation", "true");
    return nic;
  }

  /** The {@code POST /1.0/instances} body: no profiles, everything on the instance itself, not started. */
  public static ObjectNode createBody(OrgSpec spec, Ipv4Address address) {
    ObjectNode body = Json.object();
    body.put("name", spec.org().value());
    body.put("type", "container");
    body.set("source", Images.source(spec.image()));
    body.putArray("profiles");
    body.put("description", description(spec.org()));
    ObjectNode config = body.putObject("config");
    desiredConfig(spec).forEach(config::put);
    ObjectNode devices = body.putObject("devices");
    devices.set("root", rootDevice(spec));
    devices.set("eth0", nicDevice(spec.bridge().name(), address));
    body.put("start", false);
    return body;
  }

  /** The instance description the SDK writes. */
  public static String description(OrgName org) {
    return "getbot org " + org.value();
  }

  /** The instance's own devices if it has them, else the expanded ones. */
  public static JsonNode devices(JsonNode instance) {
    JsonNode own = Json.obj(instance, "devices");
    return own.size() > 0 ? own : Json.obj(instance, "expanded_devices");
  }

  /** The managed network {@code eth0} is attached to, or {@code ""}. */
  public static String nicNetwork(JsonNode instance) {
    JsonNode nic = Json.obj(devices(instance), "eth0");
    String network = Json.text(nic, "network");
    return network.isEmpty() ? Json.text(nic, "parent") : network;
  }

  /** The static {@code ipv4.address} of {@code eth0}, if it has one. */
  public static Optional<Ipv4Address> staticAddress(JsonNode instance) {
    String ip = Json.text(Json.obj(devices(instance), "eth0"), "ipv4.address");
    return Ipv4Address.isValid(ip) ? Optional.of(Ipv4Address.parse(ip)) : Optional.empty();
  }

  /** The pool of the root disk, or {@code ""}. */
  public static String rootPool(JsonNode instance) {
    for (JsonNode d : iterable(devices(instance))) {
      if ("disk".equals(Json.text(d, "type")) && "/".equals(Json.text(d, "path"))) {
        return Json.text(d, "pool");
      }
    }
    return "";
  }

  private static Iterable<JsonNode> iterable(JsonNode node) {
    return node::elements;
  }

  /** The run state from {@code status_code} (or {@code status}). */
  public static OrgState state(JsonNode instance) {
    int code = instance.path("status_code").asInt(0);
    String status = Json.text(instance, "status");
    switch (code) {
      case 103, 101, 106, 111, 107:
        return OrgState.RUNNING;
      case 102, 0:
        return code == 0 && !status.equals("Stopped") ? fromText(status) : OrgState.STOPPED;
      case 110, 109:
        return OrgState.FROZEN;
      default:
        return fromText(status);
    }
  }

  private static OrgState fromText(String status) {
    return switch (status) {
      case "Running", "Starting", "Stopping", "Thawed" -> OrgState.RUNNING;
      case "Stopped" -> OrgState.STOPPED;
      case "Frozen", "Freezing" -> OrgState.FROZEN;
      default -> OrgState.ERROR;
    };
  }

  /** The {@code eth0} IPv4 address the guest has configured, from the instance's {@code state}, if any. */
  public static Optional<Ipv4Address> liveAddress(JsonNode state) {
    JsonNode addresses = state == null ? null : state.path("network").path("eth0").path("addresses");
    if (addresses != null && addresses.isArray()) {
      for (JsonNode a : addresses) {
        String ip = Json.text(a, "address");
        if ("inet".equals(Json.text(a, "family")) && Ipv4Address.isValid(ip)) {
          return Optional.of(Ipv4Address.parse(ip));
        }
      }
    }
    return Optional.empty();
  }

  /** Reads an instance (recursion=2 shape, or without state) as an {@link OrgContainer}. */
  public static OrgContainer toContainer(JsonNode instance) {
    Map<String, String> config = Json.stringMap(Json.obj(instance, "config"));
    JsonNode state = instance.get("state");
    Optional<Ipv4Address> live = liveAddress(state);
    Ipv4Address address = staticAddress(instance).or(() -> live).orElse(new Ipv4Address(0));
    InstanceType type = "virtual-machine".equals(Json.text(instance, "type"))
        ? InstanceType.VIRTUAL_MACHINE : InstanceType.CONTAINER;
    JsonNode snapshots = instance.get("snapshots");
    int snapshotCount = snapshots != null && snapshots.isArray() ? snapshots.size() : 0;
    Map<String, String> labels = new TreeMap<>();
    config.forEach((k, v) -> {
      if (k.startsWith(LABEL_PREFIX)) {
        labels.put(k.substring(LABEL_PREFIX.length()), v);
      }
    });
    SecurityFlags flags = new SecurityFlags("true".equals(config.get(NESTING)), "true".equals(config.get(MKNOD)),
        "true".equals(config.get(SETXATTR)));
    String size = Json.text(Json.obj(devices(instance), "root"), "size");
    ResourceLimits limits = new ResourceLimits(cpus(config.get(CPU)), memory(config.get(MEMORY)),
        processes(config.get(PROCESSES)), size.isEmpty() ? Optional.empty() : optionalSize(size));
    return new OrgContainer(OrgName.of(Json.text(instance, "name")), state(instance), address, live, type,
        snapshotCount, limits, flags, labels);
  }

  private static int cpus(String value) {
    if (value == null || value.isBlank()) {
      return 1;
    }
    try {
      return Math.max(1, Math.min(1024, Integer.parseInt(value.trim())));
    } catch (NumberFormatException e) {
      // a CPU set such as "0-1,3": count the CPUs
      int count = 0;
      for (String part : value.split(",")) {
        String[] range = part.trim().split("-");
        try {
          count += range.length == 2 ? Integer.parseInt(range[1]) - Integer.parseInt(range[0]) + 1 : 1;
        } catch (NumberFormatException ignored) {
          count++;
        }
      }
      return Math.max(1, Math.min(1024, count));
    }
  }

  private static MemorySize memory(String value) {
    return value == null ? ResourceLimits.DEFAULT.memory()
        : optionalSize(value).orElse(ResourceLimits.DEFAULT.memory());
  }

  private static Optional<MemorySize> optionalSize(String value) {
    try {
      return Optional.of(MemorySize.parse(value.trim()));
    } catch (InvalidSpecException e) {
      return Optional.empty();
    }
  }

  private static OptionalInt processes(String value) {
    if (value == null || value.isBlank()) {
      return OptionalInt.empty();
    }
    try {
      int p = Integer.parseInt(value.trim());
      return p >= 1 ? OptionalInt.of(p) : OptionalInt.empty();
    } catch (NumberFormatException e) {
      return OptionalInt.empty();
    }
  }
}
