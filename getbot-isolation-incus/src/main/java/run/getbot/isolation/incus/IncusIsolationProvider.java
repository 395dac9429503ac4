package run.getbot.isolation.incus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ContainerPath;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ProgressListener;
import run.getbot.isolation.ResourceUsage;
import run.getbot.isolation.incus.internal.AddressAllocator;
import run.getbot.isolation.incus.internal.Exec;
import run.getbot.isolation.incus.internal.EtagMismatchException;
import run.getbot.isolation.incus.internal.ImageImporter;
import run.getbot.isolation.incus.internal.Images;
import run.getbot.isolation.incus.internal.IncusResponse;
import run.getbot.isolation.incus.internal.IncusTransport;
import run.getbot.isolation.incus.internal.InstanceFiles;
import run.getbot.isolation.incus.internal.Instances;
import run.getbot.isolation.incus.internal.Json;
import run.getbot.isolation.incus.internal.Networks;
import run.getbot.isolation.incus.internal.Operation;
import run.getbot.isolation.incus.internal.Operations;
import run.getbot.isolation.incus.internal.OrgMapping;
import run.getbot.isolation.incus.internal.StoragePools;

/**
 * The isolation API on a real Incus daemon, over its unix socket.
 *
 * <pre>{@code
 * try (IncusIsolationProvider incus = IncusIsolationProvider.create()) {
 *   incus.ensureBridge(BridgeSpec.DEFAULT);
 *   incus.ensurePool(PoolSpec.DEFAULT);
 *   ImageRef image = incus.importImage(Path.of("image.tar.gz"), "getbot-base").image();
 *   OrgContainer acme = incus.provision(OrgSpec.of(OrgName.of("acme"), image));
 * }
 * }</pre>
 *
 * <p>Containers are created with no profiles: the root disk (in the spec's pool) and {@code eth0} (on the spec's
 * bridge, static {@code ipv4.address}, {@code security.port_isolation=true}) live on the instance itself, so nothing
 * depends on the host's default profile. Everything the SDK owns is in {@code limits.*}, three {@code security.*} keys
 * and {@code user.getbot.*}; the marker {@code user.getbot.managed=true} tells its instances from others, which are
 * never touched. A failed create or first start deletes the new instance again, so nothing is left half-created.
 *
 * <p>Thread-safe; share one instance per daemon. {@link #close()} releases its connections and threads.
 */
public final class IncusIsolationProvider implements IsolationProvider {

  /** The socket used when neither the builder nor {@code $INCUS_SOCKET} names one. */
  public static final Path DEFAULT_SOCKET = Path.of("/var/lib/incus/unix.socket");

  private static final Logger LOG = LoggerFactory.getLogger(IncusIsolationProvider.class);
  /** JVM-wide locks, so that two providers on the same daemon also serialize. */
  private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();
  private static final int MAX_ADDRESS_ATTEMPTS = 32;
  private static final int MAX_ETAG_RETRIES = 8;

  private final IncusTransport transport;
  private final Operations operations;
  private final Networks networks;
  private final StoragePools pools;
  private final Images images;
  private final Instances instances;
  private final Exec exec;
  private final InstanceFiles files;
  private final AddressAllocator allocator;
  private final ImageImporter importer;
  private final Duration operationTimeout;
  private final Duration stopGracePeriod;
  private final Duration execTimeout;
  private volatile boolean projectChecked;

  private IncusIsolationProvider(Builder b, IncusTransport transport) {
    this.transport = transport;
    this.operationTimeout = b.operationTimeout;
    this.stopGracePeriod = b.stopGracePeriod;
    this.execTimeout = b.execTimeout;
    this.operations = new Operations(transport);
    this.networks = new Networks(transport);
    this.pools = new StoragePools(transport);
    this.images = new Images(transport, operations);
    this.instances = new Instances(transport, operations);
    this.exec = new Exec(transport, operations);
    this.files = new InstanceFiles(transport);
    this.allocator = new AddressAllocator(instances, networks);
    this.importer = new ImageImporter(transport, images, b.imageTimeout);
    this.projectChecked = "default".equals(transport.project());
  }

  /** A provider on the default socket ({@code $INCUS_SOCKET}, else {@link #DEFAULT_SOCKET}) and project {@code default}. */
  public static IncusIsolationProvider create() {
    return builder().build();
  }

  /** A builder with the defaults. */
  public static Builder builder() {
    return new Builder();
  }

  /** The unix socket this provider talks to. */
  public Path socket() {
    return transport.socket();
  }

  /** The Incus project every call is scoped to. */
  public String project() {
    return transport.project();
  }

  // ============================================================================================== images

  /** Same as {@link #importImage(Path, String, ProgressListener)} without progress events. */
  public ImageImport importImage(Path unifiedTarball, String alias) {
    return importImage(unifiedTarball, alias, ProgressListener.NONE);
  }

  /**
   * Imports a unified image tarball ({@code metadata.yaml} and {@code rootfs/} in one {@code .tar.gz}) from a local
   * file and points {@code alias} at it. Nothing is fetched from the network. Idempotent: an image Incus already has
   * (same fingerprint, the file's SHA-256) is not uploaded again, and an alias already pointing at it is kept.
   * Events: {@code image-hash}, {@code image-upload} (percent of bytes sent), {@code image-import},
   * {@code image-alias}.
   *
   * @throws InvalidSpecException if the file cannot be read or the alias is invalid
   * @throws ConflictException if the alias already points at another image (it is never moved)
   * @throws OperationFailedException if Incus rejects the image
   */
  public ImageImport importImage(Path unifiedTarball, String alias, ProgressListener progress) {
    Objects.requireNonNull(unifiedTarball, "unifiedTarball");
    Objects.requireNonNull(progress, "progress");
    checkProject();
    ImageImporter.Outcome o = importer.importUnified(unifiedTarball, alias, progress);
    return new ImageImport(o.fingerprint(), alias, o.uploaded());
  }

  /**
   * Imports a split image (a metadata tarball and a rootfs tarball) from local files, sent as
   * {@code multipart/form-data}; otherwise as {@link #importImage(Path, String, ProgressListener)}. The fingerprint
   * is the SHA-256 of metadata followed by rootfs.
   */
  public ImageImport importImage(Path metadataTarball, Path rootfsTarball, String alias,
                                 ProgressListener progress) {
    Objects.requireNonNull(metadataTarball, "metadataTarball");
    Objects.requireNonNull(rootfsTarball, "rootfsTarball");
    Objects.requireNonNull(progress, "progress");
    checkProject();
    ImageImporter.Outcome o = importer.importSplit(metadataTarball, rootfsTarball, alias, progress);
    return new ImageImport(o.fingerprint(), alias, o.uploaded());
  }

  // ============================================================================================== bridge and pool

  @Override
  public Change ensureBridge(BridgeSpec bridge) {
    Objects.requireNonNull(bridge, "bridge");
    checkProject();
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<JsonNode> existing = networks.get(bridge.name());
      if (existing.isPresent()) {
        checkSameBridge(bridge, existing.get());
        return Change.UNCHANGED;
      }
      try {
        networks.create(bridge);
        LOG.info("created bridge {} ({})", bridge.name(), bridge.gatewayCidr());
        return Change.CREATED;
      } catch (ConflictException raced) {
        // created concurrently: compare with what is there now
      }
    }
    throw new ConflictException("bridge " + bridge.name() + " keeps appearing and disappearing");
  }

  private static void checkSameBridge(BridgeSpec bridge, JsonNode network) {
    Map<String, String> config = Json.stringMap(Json.obj(network, "config"));
    String address = config.getOrDefault("ipv4.address", "");
    boolean nat = "true".equals(config.get("ipv4.nat"));
    boolean managed = network.path("managed").asBoolean(false);
    String type = Json.text(network, "type");
    if (!managed || !"bridge".equals(type) || !bridge.gatewayCidr().equals(address) || nat != bridge.nat()) {
      throw new ConflictException("network " + bridge.name() + " exists with other settings ("
          + (managed ? "managed" : "unmanaged") + " " + type + ", subnet " + subnetOf(address) + ", ipv4.address="
          + (address.isEmpty() ? "-" : address) + ", ipv4.nat=" + nat + ") than requested (managed bridge, subnet "
          + bridge.subnet() + ", ipv4.address=" + bridge.gatewayCidr() + ", ipv4.nat=" + bridge.nat()
          + "); it is not changed. Use another bridge name or subnet");
    }
  }

  /** The network of a gateway CIDR such as {@code 10.199.0.1/24} ({@code 10.199.0.0/24}), or the text as it is. */
  private static String subnetOf(String gatewayCidr) {
    int slash = gatewayCidr.indexOf('/');
    try {
      int prefix = Integer.parseInt(gatewayCidr.substring(slash + 1));
      int bits = Ipv4Address.parse(gatewayCidr.substring(0, slash)).bits();
      int mask = prefix == 0 ? 0 : -1 << (32 - prefix);
      return new Ipv4Address(bits & mask) + "/" + prefix;
    } catch (RuntimeException e) {
      return gatewayCidr.isEmpty() ? "-" : gatewayCidr;
    }
  }

  @Override
  public Change ensurePool(PoolSpec pool) {
    Objects.requireNonNull(pool, "pool");
    checkProject();
    for (int attempt = 0; attempt < 3; attempt++) {
      Optional<JsonNode> existing = pools.get(pool.name());
      if (existing.isPresent()) {
        checkSamePool(pool, existing.get());
        return Change.UNCHANGED;
      }
      if (!pool.source().startsWith(StoragePools.DEFAULT_PARENT.getParent())) {
        try {
          // Incus wants an existing, empty directory for a dir pool outside its own tree.
          java.nio.file.Files.createDirectories(pool.source());
        } catch (IOException | SecurityException e) {
          LOG.debug("could not create {}; Incus will say what is wrong", pool.source(), e);
        }
      }
      try {
        pools.create(pool);
        LOG.info("created storage pool {} ({} at {})", pool.name(), pool.driver().incusName(), pool.source());
        return Change.CREATED;
      } catch (ConflictException raced) {
        // created concurrently
      }
    }
    throw new ConflictException("storage pool " + pool.name() + " keeps appearing and disappearing");
  }

  private static void checkSamePool(PoolSpec pool, JsonNode existing) {
    String driver = Json.text(existing, "driver");
    String source = Json.text(Json.obj(existing, "config"), "source");
    boolean sameSource;
    try {
      sameSource = !source.isEmpty() && Path.of(source).normalize().equals(pool.source());
    } catch (RuntimeException e) {
      sameSource = false;
    }
    if (!pool.driver().incusName().equals(driver) || !sameSource) {
      throw new ConflictException("storage pool " + pool.name() + " exists with driver " + driver + " at "
          + (source.isEmpty() ? "-" : source) + ", not " + pool.driver().incusName() + " at " + pool.source()
          + "; it is not changed. Use another pool name");
    }
  }

  @Override
  public boolean deleteBridge(String name) {
    checkName(name, "bridge");
    checkProject();
    return networks.delete(name);
  }

  @Override
  public boolean deletePool(String name) {
    checkName(name, "storage pool");
    checkProject();
    return pools.delete(name);
  }

  private static void checkName(String name, String what) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
      throw new InvalidSpecException(what + " name '" + name + "' is not a valid Incus name");
    }
  }

  // ============================================================================================== provision

  @Override
  public OrgContainer provision(OrgSpec spec, ProgressListener progress) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(progress, "progress");
    checkProject();
    String name = spec.org().value();
    return locked("org|" + name, () -> {
      for (int attempt = 0; attempt < 3; attempt++) {
        Optional<IncusResponse> existing = instances.get(name, false);
        if (existing.isPresent()) {
          return converge(spec, existing.get().metadata(), progress);
        }
        Optional<OrgContainer> created = createAndStart(spec, progress);
        if (created.isPresent()) {
          return created.get();
        }
        // another process created an instance by that name at the same moment: converge on it
      }
      throw new ConflictException("org " + name + " is being created and deleted concurrently");
    });
  }

  /** Creates and starts a new org container; empty if an instance by that name appeared concurrently. */
  private Optional<OrgContainer> createAndStart(OrgSpec spec, ProgressListener progress) {
    String name = spec.org().value();
    BridgeSpec bridge = spec.bridge();
    JsonNode network = networks.get(bridge.name()).orElseThrow(() -> new NotFoundException("bridge "
        + bridge.name() + " does not exist; create it first with ensureBridge"));
    checkSameBridge(bridge, network);
    if (pools.get(spec.pool().name()).isEmpty()) {
      throw new NotFoundException("storage pool " + spec.pool().name()
          + " does not exist; create it first with ensurePool");
    }
    if (!(spec.image() instanceof ImageRef.Remote)) {
      images.requireLocal(spec.image());
    }

    Ipv4Address ip = locked("bridge|" + bridge.name(), () -> {
      Ipv4Address free = AddressAllocator.lowestFree(bridge, allocator.used(bridge.name(), name, project()));
      progress.onProgress(ProgressEvent.of("create", "creating container " + name + " at " + free));
      Operation op = instances.create(OrgMapping.createBody(spec, free), operationTimeout,
          forward(progress, "create"));
      if (!op.succeeded()) {
        String msg = op.failureMessage();
        String lower = msg.toLowerCase(Locale.ROOT);
        if (lower.contains("unique constraint failed") && lower.contains("instances")
            || lower.contains("already exists")) {
          return null;
        }
        deleteHalfCreated(name);
        if (lower.contains("image not provided") || lower.contains("not found")) {
          throw new NotFoundException("creating org " + name + ": image " + spec.image() + " is not available: "
              + msg);
        }
        throw new OperationFailedException("creating org " + name, msg);
      }
      return free;
    });
    if (ip == null) {
      return Optional.empty();
    }
    try {
      startNew(spec, ip, progress);
    } catch (RuntimeException e) {
      deleteHalfCreated(name);
      throw e;
    }
    progress.onProgress(ProgressEvent.of("ready", "container " + name + " is running"));
    return Optional.of(find(spec.org()).orElseThrow(() -> new OperationFailedException("provisioning org " + name,
        "the instance disappeared right after it was started")));
  }

  /**
   * Starts a just-created container. A duplicate static address (another process picked the same one; Incus detects
   * it only at start) moves this container to the next free address, unless every other holder is a stopped
   * container of this SDK with a greater name: those move instead, and this one retries after a short pause.
   */
  private void startNew(OrgSpec spec, Ipv4Address first, ProgressListener progress) {
    String name = spec.org().value();
    BridgeSpec bridge = spec.bridge();
    Ipv4Address ip = first;
    Set<Ipv4Address> tried = new HashSet<>();
    tried.add(ip);
    int patience = 10;
    for (int attempt = 0; attempt < MAX_ADDRESS_ATTEMPTS; attempt++) {
      progress.onProgress(ProgressEvent.of("start", "starting container " + name));
      Operation op = instances.changeState(name, "start", null, false, operationTimeout);
      String msg = op.failureMessage();
      if (op.succeeded() || msg.toLowerCase(Locale.ROOT).contains("already running")) {
        return;
      }
      if (!msg.contains("already defined on another NIC")) {
        throw new OperationFailedException("starting org " + name, msg);
      }
      Ipv4Address current = ip;
      Ipv4Address next = locked("bridge|" + bridge.name(), () -> {
        List<AddressAllocator.Holder> others = new ArrayList<>();
        for (AddressAllocator.Holder h : allocator.holders(bridge.name())) {
          if (h.address().equals(current) && !(h.instance().equals(name) && h.project().equals(project()))) {
            others.add(h);
          }
        }
        boolean othersYield = !others.isEmpty() && others.stream().allMatch(h -> OrgMapping.isManaged(h.instanceJson())
            && OrgMapping.state(h.instanceJson()) == OrgState.STOPPED && h.instance().compareTo(name) > 0);
        if (othersYield) {
          return current;
        }
        Set<Ipv4Address> used = allocator.used(bridge.name(), name, project());
        used.addAll(tried);
        Ipv4Address moved = AddressAllocator.lowestFree(bridge, used);
        moveNic(name, bridge.name(), moved);
        return moved;
      });
      if (next.equals(current) && patience-- > 0) {
        LOG.debug("{}: {} is also claimed by a stopped org that will move; retrying", name, current);
        sleepQuietly(150 + ThreadLocalRandom.current().nextInt(250));
      } else if (next.equals(current)) {
        // the other claimant did not move in time: move ourselves after all
        Ipv4Address moved = locked("bridge|" + bridge.name(), () -> {
          Set<Ipv4Address> used = allocator.used(bridge.name(), name, project());
          used.addAll(tried);
          Ipv4Address m = AddressAllocator.lowestFree(bridge, used);
          moveNic(name, bridge.name(), m);
          return m;
        });
        ip = moved;
        tried.add(moved);
      } else {
        LOG.info("{}: address {} is taken on {}; moved to {}", name, current, bridge.name(), next);
        progress.onProgress(ProgressEvent.of("address", current + " is taken; using " + next));
        ip = next;
        tried.add(next);
        sleepQuietly(ThreadLocalRandom.current().nextInt(100));
      }
    }
    throw new ConflictException("org " + name + ": no free address could be claimed on bridge " + bridge.name()
        + " after " + MAX_ADDRESS_ATTEMPTS + " attempts");
  }

  private void moveNic(String name, String bridge, Ipv4Address address) {
    ObjectNode patch = Json.object();
    patch.put("description", OrgMapping.description(OrgName.of(name))); // PATCH wipes description in 6.0.x
    patch.putObject("devices").set("eth0", OrgMapping.nicDevice(bridge, address));
    instances.patch(name, patch);
  }

  /** Deletes an instance that a failed provision created; never an unmanaged one. */
  private void deleteHalfCreated(String name) {
    try {
      Optional<IncusResponse> inst = instances.get(name, false);
      if (inst.isPresent() && OrgMapping.isManaged(inst.get().metadata())) {
        if (OrgMapping.state(inst.get().metadata()) != OrgState.STOPPED) {
          instances.changeState(name, "stop", null, true, operationTimeout);
        }
        instances.delete(name, operationTimeout);
        LOG.info("deleted half-created instance {}", name);
      }
    } catch (RuntimeException e) {
      LOG.warn("could not delete the half-created instance {}: {}", name, e.toString());
    }
  }

  /** Converges an existing instance: limits, flags and labels in place (GET → PUT with If-Match), then starts it. */
  private OrgContainer converge(OrgSpec spec, JsonNode instance, ProgressListener progress) {
    String name = spec.org().value();
    if (!OrgMapping.isManaged(instance)) {
      throw new ConflictException("an instance named " + name + " exists that this SDK did not create; it is left "
          + "alone. Delete or rename it, or use another org name");
    }
    String network = OrgMapping.nicNetwork(instance);
    String pool = OrgMapping.rootPool(instance);
    if (!spec.bridge().name().equals(network) || !spec.pool().name().equals(pool)) {
      throw new ConflictException("org " + name + " exists on bridge " + network + " and pool " + pool
          + ", not on " + spec.bridge().name() + " and " + spec.pool().name() + "; it is not moved");
    }
    progress.onProgress(ProgressEvent.of("converge", "updating container " + name));
    for (int attempt = 0; ; attempt++) {
      IncusResponse current = instances.get(name, false).orElseThrow(() -> new ConflictException("org " + name
          + " was deleted while it was being updated"));
      JsonNode inst = current.metadata();
      Map<String, String> config = Json.stringMap(Json.obj(inst, "config"));
      Map<String, String> next = OrgMapping.convergedConfig(config, spec);
      ObjectNode devices = Json.obj(inst, "devices").deepCopy();
      ObjectNode root = OrgMapping.rootDevice(spec);
      JsonNode currentRoot = devices.get("root");
      if (currentRoot != null && currentRoot.isObject()) {
        ObjectNode merged = ((ObjectNode) currentRoot).deepCopy();
        merged.remove("size");
        spec.limits().rootDisk().ifPresent(s -> merged.put("size", s.format()));
        root = merged;
      }
      boolean devicesChanged = !root.equals(devices.get("root"));
      if (next.equals(config) && !devicesChanged) {
        break;
      }
      devices.set("root", root);
      ObjectNode body = Json.object();
      body.put("architecture", Json.text(inst, "architecture"));
      ObjectNode cfg = body.putObject("config");
      next.forEach(cfg::put); // keeps volatile.* (Incus refuses to drop them)
      body.set("devices", devices);
      body.put("ephemeral", inst.path("ephemeral").asBoolean(false));
      body.set("profiles", inst.path("profiles").isArray() ? inst.get("profiles") : Json.MAPPER.createArrayNode());
      body.put("stateful", inst.path("stateful").asBoolean(false));
      body.put("description", Json.text(inst, "description"));
      try {
        instances.put(name, body, current.etag(), operationTimeout);
        LOG.info("updated org {} to its spec", name);
        break;
      } catch (EtagMismatchException changed) {
        if (attempt >= MAX_ETAG_RETRIES) {
          throw new ConflictException("org " + name + " kept changing while it was being updated: "
              + changed.getMessage());
        }
      }
    }
    OrgState state = OrgMapping.state(instance);
    Optional<IncusResponse> now = instances.get(name, false);
    if (now.isPresent()) {
      state = OrgMapping.state(now.get().metadata());
    }
    if (state == OrgState.FROZEN) {
      progress.onProgress(ProgressEvent.of("start", "unfreezing container " + name));
      expectState(name, instances.changeState(name, "unfreeze", null, false, operationTimeout), "unfreezing");
    } else if (state != OrgState.RUNNING) {
      progress.onProgress(ProgressEvent.of("start", "starting container " + name));
      expectState(name, instances.changeState(name, "start", null, false, operationTimeout), "starting");
    }
    progress.onProgress(ProgressEvent.of("ready", "container " + name + " is running"));
    return find(spec.org()).orElseThrow(() -> new ConflictException("org " + name + " was deleted concurrently"));
  }

  private static void expectState(String name, Operation op, String doing) {
    String lower = op.failureMessage().toLowerCase(Locale.ROOT);
    if (!op.succeeded() && !lower.contains("already running") && !lower.contains("not frozen")) {
      throw new OperationFailedException(doing + " org " + name, op.failureMessage());
    }
  }

  // ============================================================================================== read

  @Override
  public Optional<OrgContainer> find(OrgName org) {
    Objects.requireNonNull(org, "org");
    checkProject();
    return instances.get(org.value(), true).map(IncusResponse::metadata).filter(OrgMapping::isManaged)
        .map(OrgMapping::toContainer);
  }

  @Override
  public List<OrgContainer> list() {
    checkProject();
    List<OrgContainer> out = new ArrayList<>();
    for (JsonNode inst : instances.listFull()) {
      if (OrgMapping.isManaged(inst)) {
        try {
          out.add(OrgMapping.toContainer(inst));
        } catch (InvalidSpecException foreignName) {
          LOG.debug("skipping instance {} with a marker but no valid org name", Json.text(inst, "name"));
        }
      }
    }
    out.sort(Comparator.comparing(OrgContainer::name));
    return out;
  }

  private JsonNode requireManaged(OrgName org, boolean withState) {
    Objects.requireNonNull(org, "org");
    checkProject();
    return instances.get(org.value(), withState).map(IncusResponse::metadata).filter(OrgMapping::isManaged)
        .orElseThrow(() -> new NotFoundException("org " + org + " has no container"));
  }

  // ============================================================================================== lifecycle

  @Override
  public OrgContainer start(OrgName org) {
    JsonNode inst = requireManaged(org, false);
    OrgState state = OrgMapping.state(inst);
    if (state == OrgState.FROZEN) {
      expectState(org.value(), instances.changeState(org.value(), "unfreeze", null, false, operationTimeout),
          "unfreezing");
    } else if (state != OrgState.RUNNING) {
      expectState(org.value(), instances.changeState(org.value(), "start", null, false, operationTimeout),
          "starting");
    }
    return current(org);
  }

  @Override
  public OrgContainer stop(OrgName org) {
    JsonNode inst = requireManaged(org, false);
    if (OrgMapping.state(inst) != OrgState.STOPPED) {
      stopInstance(org.value());
    }
    return current(org);
  }

  @Override
  public OrgContainer restart(OrgName org) {
    JsonNode inst = requireManaged(org, false);
    if (OrgMapping.state(inst) != OrgState.STOPPED) {
      stopInstance(org.value());
    }
    expectState(org.value(), instances.changeState(org.value(), "start", null, false, operationTimeout),
        "starting");
    return current(org);
  }

  /** Stops gracefully within the grace period, then forces it ({@code timeout} is never sent as 0: that kills). */
  private void stopInstance(String name) {
    int grace = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (stopGracePeriod.toMillis() + 999) / 1000));
    Operation op = instances.changeState(name, "stop", grace, false, stopGracePeriod.plus(operationTimeout));
    if (op.succeeded() || isAlreadyStopped(op)) {
      return;
    }
    LOG.info("{} did not stop within {} s ({}); forcing it", name, grace, op.failureMessage());
    Operation forced = instances.changeState(name, "stop", null, true, operationTimeout);
    if (!forced.succeeded() && !isAlreadyStopped(forced)) {
      throw new OperationFailedException("stopping org " + name, forced.failureMessage());
    }
  }

  private static boolean isAlreadyStopped(Operation op) {
    return op.failureMessage().toLowerCase(Locale.ROOT).contains("already stopped");
  }

  private OrgContainer current(OrgName org) {
    return find(org).orElseThrow(() -> new NotFoundException("org " + org + " was deleted concurrently"));
  }

  @Override
  public boolean delete(OrgName org) {
    Objects.requireNonNull(org, "org");
    checkProject();
    String name = org.value();
    return locked("org|" + name, () -> {
      Optional<IncusResponse> inst = instances.get(name, false);
      if (inst.isEmpty() || !OrgMapping.isManaged(inst.get().metadata())) {
        return false;
      }
      if (OrgMapping.state(inst.get().metadata()) != OrgState.STOPPED) {
        Operation op = instances.changeState(name, "stop", null, true, operationTimeout);
        if (!op.succeeded() && !isAlreadyStopped(op)) {
          throw new OperationFailedException("stopping org " + name + " before deleting it", op.failureMessage());
        }
      }
      boolean deleted = instances.delete(name, operationTimeout);
      if (deleted) {
        LOG.info("deleted org {}", name);
      }
      return deleted;
    });
  }

  // ============================================================================================== exec, files, usage

  @Override
  public ExecResult exec(OrgName org, ExecCommand command) {
    Objects.requireNonNull(command, "command");
    JsonNode inst = requireManaged(org, false);
    if (OrgMapping.state(inst) != OrgState.RUNNING) {
      throw new ConflictException("org " + org + " is not running (" + Json.text(inst, "status")
          + "); start it before running commands in it");
    }
    return exec.run(org.value(), command, execTimeout);
  }

  @Override
  public void pushFile(OrgName org, String path, byte[] content, FileAttributes attributes) {
    ContainerPath.check(path);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(attributes, "attributes");
    requireManaged(org, false);
    files.push(org.value(), path, content, attributes);
  }

  @Override
  public FileContent pullFile(OrgName org, String path) {
    ContainerPath.check(path);
    requireManaged(org, false);
    return files.pull(org.value(), path);
  }

  @Override
  public ResourceUsage usage(OrgName org) {
    JsonNode inst = requireManaged(org, true);
    if (OrgMapping.state(inst) != OrgState.RUNNING) {
      return ResourceUsage.NONE;
    }
    JsonNode state = inst.path("state");
    if (!state.isObject()) {
      state = instances.state(org.value());
    }
    long cpuNanos = Math.max(0, state.path("cpu").path("usage").asLong(0));
    long memory = Math.max(0, state.path("memory").path("usage").asLong(0));
    // The kernel rounds the cgroup limit down to whole pages (3GB → 2 999 996 416 bytes in /state): report the
    // configured limits.memory, which is what the caller asked for, when it is a plain size.
    long total = Math.max(0, state.path("memory").path("total").asLong(0));
    String configured = Json.text(Json.obj(inst, "config"), "limits.memory");
    try {
      long limit = run.getbot.isolation.MemorySize.parse(configured).bytes();
      if (total == 0 || Math.abs(limit - total) < 64 * 1024) {
        total = limit;
      }
    } catch (InvalidSpecException notAPlainSize) {
      // e.g. "50%": keep the kernel's figure
    }
    int processes = Math.max(0, state.path("processes").asInt(0));
    return new ResourceUsage(Duration.ofNanos(cpuNanos), memory, total, processes);
  }

  // ============================================================================================== plumbing

  private void checkProject() {
    if (projectChecked) {
      return;
    }
    String p = transport.project();
    if (transport.getIfExists("reading project " + p, "/1.0/projects/" + p).isEmpty()) {
      throw new NotFoundException("Incus project '" + p + "' does not exist; create it (incus project create " + p
          + ") or use the project 'default'");
    }
    projectChecked = true;
  }

  private <T> T locked(String key, Supplier<T> body) {
    ReentrantLock lock = LOCKS.computeIfAbsent(transport.socket() + "|" + transport.project() + "|" + key,
        k -> new ReentrantLock());
    lock.lock();
    try {
      return body.get();
    } finally {
      lock.unlock();
    }
  }

  private static Consumer<Operation> forward(ProgressListener listener, String step) {
    if (listener == ProgressListener.NONE) {
      return null;
    }
    return op -> Operations.progressOf(op).ifPresent(p -> listener.onProgress(new ProgressEvent(step, p.message(),
        p.percent())));
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new OperationFailedException("interrupted", "");
    }
  }

  /** Releases the HTTP connections and the dispatcher's threads. The daemon and its containers are untouched. */
  @Override
  public void close() {
    transport.close();
  }

  @Override
  public String toString() {
    return "IncusIsolationProvider[" + transport.socket() + ", project " + transport.project() + "]";
  }

  /** Configures an {@link IncusIsolationProvider}. Every setting has a default. */
  public static final class Builder {
    private Path socket;
    private String project = "default";
    private Duration operationTimeout = Duration.ofMinutes(5);
    private Duration stopGracePeriod = Duration.ofSeconds(30);
    private Duration execTimeout = Duration.ofMinutes(30);
    private Duration imageTimeout = Duration.ofMinutes(15);

    private Builder() {}

    /** The daemon's unix socket; default {@code $INCUS_SOCKET}, else {@code /var/lib/incus/unix.socket}. */
    public Builder socket(Path socket) {
      this.socket = Objects.requireNonNull(socket, "socket");
      return this;
    }

    /**
     * The Incus project (default {@code default}). Checked before the first call: Incus itself answers an unknown
     * project with empty lists rather than an error.
     */
    public Builder project(String project) {
      Objects.requireNonNull(project, "project");
      if (!project.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}")) {
        throw new InvalidSpecException("Incus project name '" + project + "' must be 1–63 characters of "
            + "A-Z, a-z, 0-9, '_', '.' and '-', starting with a letter or digit");
      }
      this.project = project;
      return this;
    }

    /** How long to wait for one daemon operation (create, start, delete, update); default 5 minutes. */
    public Builder operationTimeout(Duration timeout) {
      this.operationTimeout = positive(timeout, "operationTimeout");
      return this;
    }

    /** How long a stop may take gracefully (SIGPWR to the container's init) before it is forced; default 30 s. */
    public Builder stopGracePeriod(Duration grace) {
      this.stopGracePeriod = positive(grace, "stopGracePeriod");
      return this;
    }

    /** How long {@link IncusIsolationProvider#exec} waits for a command; default 30 minutes. */
    public Builder execTimeout(Duration timeout) {
      this.execTimeout = positive(timeout, "execTimeout");
      return this;
    }

    /** How long an image import may take after the upload; default 15 minutes. */
    public Builder imageTimeout(Duration timeout) {
      this.imageTimeout = positive(timeout, "imageTimeout");
      return this;
    }

    private static Duration positive(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative() || d.isZero()) {
        throw new InvalidSpecException(what + " must be positive, got " + d);
      }
      return d;
    }

    /** Builds the provider. Nothing is sent to the daemon until the first call. */
    public IncusIsolationProvider build() {
      Path path = socket;
      if (path == null) {
        String env = System.getenv("INCUS_SOCKET");
        path = env != null && !env.isBlank() ? Path.of(env) : DEFAULT_SOCKET;
      }
      return new IncusIsolationProvider(this, IncusTransport.unixSocket(path, project));
    }

    /** Builds a provider over an existing transport (tests). */
    IncusIsolationProvider build(IncusTransport transport) {
      return new IncusIsolationProvider(this, transport);
    }
  }
}
