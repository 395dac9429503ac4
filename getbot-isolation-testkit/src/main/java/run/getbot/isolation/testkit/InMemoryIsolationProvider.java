package run.getbot.isolation.testkit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ContainerPath;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.Ipv4Address;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ProgressListener;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.ResourceUsage;
import run.getbot.isolation.SecurityFlags;

/**
 * An {@link IsolationProvider} in memory, with the semantics of the Incus one: it passes the same
 * {@link IsolationProviderContract}. Deterministic and thread-safe; it starts no threads and never waits.
 *
 * <ul>
 *   <li><b>Bridges and pools</b> must be ensured before a container uses them. Two bridges may not have overlapping
 *       subnets.</li>
 *   <li><b>Addresses</b>: a new container gets the lowest free address of its bridge from
 *       {@link BridgeSpec#firstOrgAddress()} upwards; it is freed when the container is deleted.
 *       {@link OrgContainer#ipv4()} equals the address while the container runs, and is empty while it is stopped.</li>
 *   <li><b>Images</b>: {@link #create()} accepts any image; a provider built with {@link Builder#images} knows only
 *       those.</li>
 *   <li><b>Files</b>: each container has its own small filesystem (see {@link ContainerFiles}) that starts with the
 *       directories {@code / /bin /dev /etc /home /opt /proc /root /run /srv /sys /tmp /usr /var}, owned by root
 *       ({@code /tmp} 1777, {@code /root} 0700, the others 0755). It is deleted with the container.</li>
 *   <li><b>Exec</b> goes to the {@link ExecHandler}, by default {@link ExecHandler#miniShell()}.</li>
 *   <li><b>Usage</b> of a running container: CPU time of 1 ms per command run since it started, 8 MiB of memory (at
 *       most its limit), its memory limit, and 1 process.</li>
 *   <li><b>Unmanaged instances</b> ({@link #addUnmanagedInstance}) stand for instances on the host that the SDK did not
 *       create: invisible to every call, a conflict for {@code provision}, and they keep their bridge and pool in
 *       use.</li>
 *   <li><b>Failures</b>: {@link #setUnavailable} and {@link #failNext} make calls fail as a broken backend would.</li>
 * </ul>
 */
public final class InMemoryIsolationProvider implements IsolationProvider {

  private static final long USAGE_MEMORY_BYTES = 8L << 20;

  private final Optional<Set<String>> images;
  private volatile ExecHandler execHandler;
  private final Faults faults = new Faults("in-memory isolation provider", Set.of(
      "ensureBridge", "ensurePool", "deleteBridge", "deletePool", "provision", "find", "list", "start", "stop",
      "restart", "delete", "exec", "pushFile", "pullFile", "usage"));

  // Guarded by "this".
  private final Map<String, BridgeSpec> bridges = new HashMap<>();
  private final Map<String, PoolSpec> pools = new HashMap<>();
  private final TreeMap<OrgName, Org> orgs = new TreeMap<>();
  /** Per bridge name: the org addresses in use, as offsets from its subnet's address. Kept in step with orgs. */
  private final Map<String, BitSet> usedAddresses = new HashMap<>();
  private final Map<String, Unmanaged> unmanaged = new HashMap<>();

  private InMemoryIsolationProvider(Builder builder) {
    this.images = builder.images.map(Set::copyOf);
    this.execHandler = builder.execHandler;
  }

  /**
   * A provider that accepts any image and runs commands with the {@link ExecHandler#miniShell() mini shell}. Use
   * {@link Builder#images} where a missing image must fail, as the contract suite requires.
   */
  public static InMemoryIsolationProvider create() {
    return builder().build();
  }

  /** A builder for a provider with a fixed set of images or its own {@link ExecHandler}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds an {@link InMemoryIsolationProvider}. */
  public static final class Builder {
    private Optional<Set<String>> images = Optional.empty();
    private ExecHandler execHandler = ExecHandler.miniShell();

    private Builder() {}

    /**
     * Makes only these images exist: an {@link ImageRef.Alias} matches by name, an {@link ImageRef.Fingerprint} when
     * it is a prefix of one of these, an {@link ImageRef.Remote} by its alias. Provisioning a new container from any
     * other image is a {@link NotFoundException}.
     */
    public Builder images(String... aliasesOrFingerprints) {
      for (String image : aliasesOrFingerprints) {
        if (image == null || image.isBlank()) {
          throw new IllegalArgumentException("an image name must not be blank");
        }
      }
      this.images = Optional.of(new LinkedHashSet<>(Arrays.asList(aliasesOrFingerprints)));
      return this;
    }

    /** Runs {@code exec} calls with {@code handler} instead of the mini shell. */
    public Builder execHandler(ExecHandler handler) {
      this.execHandler = Objects.requireNonNull(handler, "handler");
      return this;
    }

    /** Builds the provider, with no bridges, pools or containers. */
    public InMemoryIsolationProvider build() {
      return new InMemoryIsolationProvider(this);
    }
  }

  /** A managed container. Guarded by the provider. */
  private static final class Org {
    final OrgName name;
    final BridgeSpec bridge;
    final PoolSpec pool;
    final Ipv4Address address;
    /** Created on first use (files, exec): most containers of a test never touch their filesystem. */
    private MemoryFileSystem files;
    OrgState state = OrgState.RUNNING;
    ResourceLimits limits;
    SecurityFlags flags;
    Map<String, String> labels;
    long commandsSinceStart;

    Org(OrgSpec spec, Ipv4Address address) {
      this.name = spec.org();
      this.bridge = spec.bridge();
      this.pool = spec.pool();
      this.address = address;
      this.limits = spec.limits();
      this.flags = spec.flags();
      this.labels = spec.labels();
    }

    boolean running() {
      return state == OrgState.RUNNING;
    }

    /** The container's filesystem, created on first use; call only under the provider's lock. */
    MemoryFileSystem files() {
      if (files == null) {
        files = new MemoryFileSystem();
      }
      return files;
    }

    void start() {
      if (!running()) {
        state = OrgState.RUNNING;
        commandsSinceStart = 0;
      }
    }

    OrgContainer snapshot() {
      return new OrgContainer(name, state, address, running() ? Optional.of(address) : Optional.empty(),
          InstanceType.CONTAINER, 0, limits, flags, labels);
    }
  }

  /** An instance the SDK did not create, maybe attached to a bridge and pool. */
  private record Unmanaged(Optional<String> bridge, Optional<String> pool) {}

  // ---------------------------------------------------------------------------------------------------- test hooks

  /**
   * Adds an instance that the SDK did not create, attached to no bridge or pool. Every call ignores it, except that
   * {@link #provision} of an org with its name is a {@link ConflictException}.
   *
   * @throws ConflictException if an instance (managed or not) already has that name
   */
  public synchronized void addUnmanagedInstance(String name) {
    addUnmanaged(name, Optional.empty(), Optional.empty());
  }

  /**
   * Adds an unmanaged instance attached to a bridge and a pool, which then cannot be deleted while it exists.
   *
   * @throws NotFoundException if the bridge or pool does not exist
   * @throws ConflictException if an instance (managed or not) already has that name
   */
  public synchronized void addUnmanagedInstance(String name, String bridgeName, String poolName) {
    Objects.requireNonNull(bridgeName, "bridgeName");
    Objects.requireNonNull(poolName, "poolName");
    if (!bridges.containsKey(bridgeName)) {
      throw new NotFoundException("bridge " + bridgeName + " does not exist");
    }
    if (!pools.containsKey(poolName)) {
      throw new NotFoundException("pool " + poolName + " does not exist");
    }
    addUnmanaged(name, Optional.of(bridgeName), Optional.of(poolName));
  }

  private void addUnmanaged(String name, Optional<String> bridge, Optional<String> pool) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("an instance name must not be empty");
    }
    if (unmanaged.containsKey(name) || orgs.keySet().stream().anyMatch(org -> org.value().equals(name))) {
      throw new ConflictException("an instance named " + name + " already exists");
    }
    unmanaged.put(name, new Unmanaged(bridge, pool));
  }

  /** Removes an unmanaged instance; returns false if there was none by that name. */
  public synchronized boolean removeUnmanagedInstance(String name) {
    return unmanaged.remove(Objects.requireNonNull(name, "name")) != null;
  }

  /**
   * While {@code unavailable} is true, every call of the {@link IsolationProvider} methods (after validating its
   * input) throws {@link ProviderUnavailableException} and changes nothing, as if the Incus socket were gone.
   */
  public void setUnavailable(boolean unavailable) {
    faults.setUnavailable(unavailable);
  }

  /**
   * Makes the next call of {@code operation} throw {@code failure} (after validating its input) and change nothing.
   * Failures queue up per operation, each used once.
   *
   * @param operation the name of an {@link IsolationProvider} method, e.g. {@code "provision"} or {@code "exec"}
   * @throws IllegalArgumentException if there is no such method
   */
  public void failNext(String operation, IsolationException failure) {
    faults.failNext(operation, failure);
  }

  /** Runs later {@code exec} calls with {@code handler}. */
  public void setExecHandler(ExecHandler handler) {
    this.execHandler = Objects.requireNonNull(handler, "handler");
  }

  // ----------------------------------------------------------------------------------------- bridges and pools

  @Override
  public synchronized Change ensureBridge(BridgeSpec bridge) {
    Objects.requireNonNull(bridge, "bridge");
    faults.check("ensureBridge");
    BridgeSpec existing = bridges.get(bridge.name());
    if (existing != null) {
      requireSameSettings(existing, bridge);
      return Change.UNCHANGED;
    }
    for (BridgeSpec other : bridges.values()) {
      if (other.subnet().contains(bridge.subnet().address()) || bridge.subnet().contains(other.subnet().address())) {
        throw new ConflictException("bridge " + bridge.name() + "'s subnet " + bridge.subnet()
            + " overlaps bridge " + other.name() + "'s subnet " + other.subnet());
      }
    }
    bridges.put(bridge.name(), bridge);
    return Change.CREATED;
  }

  @Override
  public synchronized Change ensurePool(PoolSpec pool) {
    Objects.requireNonNull(pool, "pool");
    faults.check("ensurePool");
    PoolSpec existing = pools.get(pool.name());
    if (existing != null) {
      requireSameSettings(existing, pool);
      return Change.UNCHANGED;
    }
    pools.put(pool.name(), pool);
    return Change.CREATED;
  }

  @Override
  public synchronized boolean deleteBridge(String name) {
    Objects.requireNonNull(name, "name");
    faults.check("deleteBridge");
    return deleteUnused(bridges, "bridge", name, org -> org.bridge.name(), Unmanaged::bridge);
  }

  @Override
  public synchronized boolean deletePool(String name) {
    Objects.requireNonNull(name, "name");
    faults.check("deletePool");
    return deleteUnused(pools, "pool", name, org -> org.pool.name(), Unmanaged::pool);
  }

  /** Removes {@code name} from {@code registry} unless an instance, managed or not, is attached to it. */
  private boolean deleteUnused(Map<String, ?> registry, String kind, String name, Function<Org, String> orgAttachment,
                               Function<Unmanaged, Optional<String>> unmanagedAttachment) {
    if (!registry.containsKey(name)) {
      return false;
    }
    List<String> users = new ArrayList<>();
    orgs.values().stream().filter(org -> orgAttachment.apply(org).equals(name)).forEach(org -> users.add(
        org.name.value()));
    unmanaged.forEach((instance, u) -> unmanagedAttachment.apply(u).filter(name::equals).ifPresent(x -> users.add(
        instance)));
    if (!users.isEmpty()) {
      users.sort(null);
      throw new ConflictException(kind + " " + name + " is in use by " + String.join(", ", users));
    }
    registry.remove(name);
    return true;
  }

  private static void requireSameSettings(BridgeSpec existing, BridgeSpec wanted) {
    if (!describe(existing).equals(describe(wanted))) {
      throw new ConflictException("bridge " + existing.name() + " exists with " + describe(existing)
          + ", not " + describe(wanted));
    }
  }

  private static void requireSameSettings(PoolSpec existing, PoolSpec wanted) {
    if (!describe(existing).equals(describe(wanted))) {
      throw new ConflictException("pool " + existing.name() + " exists with " + describe(existing)
          + ", not " + describe(wanted));
    }
  }

  private static String describe(BridgeSpec bridge) {
    return "subnet " + bridge.subnet() + ", gateway " + bridge.gateway() + ", NAT " + (bridge.nat() ? "on" : "off");
  }

  private static String describe(PoolSpec pool) {
    return "driver " + pool.driver().incusName() + ", source " + pool.source();
  }

  // ------------------------------------------------------------------------------------------------ containers

  @Override
  public OrgContainer provision(OrgSpec spec, ProgressListener progress) {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(progress, "progress");
    List<ProgressEvent> events = new ArrayList<>();
    OrgContainer result;
    synchronized (this) {
      faults.check("provision");
      BridgeSpec bridge = bridges.get(spec.bridge().name());
      if (bridge == null) {
        throw new NotFoundException("bridge " + spec.bridge().name() + " does not exist: call ensureBridge first");
      }
      requireSameSettings(bridge, spec.bridge());
      PoolSpec pool = pools.get(spec.pool().name());
      if (pool == null) {
        throw new NotFoundException("pool " + spec.pool().name() + " does not exist: call ensurePool first");
      }
      requireSameSettings(pool, spec.pool());
      if (unmanaged.containsKey(spec.org().value())) {
        throw new ConflictException("an instance named " + spec.org() + " exists that this SDK did not create;"
            + " it is left alone: rename or delete it, or choose another org name");
      }
      Org org = orgs.get(spec.org());
      if (org == null) {
        org = create(spec, events);
      } else {
        converge(org, spec, events);
      }
      result = org.snapshot();
    }
    events.forEach(progress::onProgress);
    return result;
  }

  private Org create(OrgSpec spec, List<ProgressEvent> events) {
    requireImage(spec.image());
    Ipv4Address address = freeAddress(spec.bridge()).orElseThrow(() -> new ConflictException(
        "bridge " + spec.bridge().name() + " has no free address left from " + spec.bridge().firstOrgAddress()
            + " in " + spec.bridge().subnet() + " for org " + spec.org()));
    Org org = new Org(spec, address);
    orgs.put(org.name, org);
    usedAddresses.computeIfAbsent(spec.bridge().name(), b -> new BitSet())
        .set(address.bits() - spec.bridge().subnet().address().bits());
    events.add(ProgressEvent.of("create", "Created container " + org.name + " from image " + spec.image()
        + " with address " + address));
    events.add(ProgressEvent.of("start", "Started container " + org.name));
    return org;
  }

  private static void converge(Org org, OrgSpec spec, List<ProgressEvent> events) {
    if (!org.bridge.name().equals(spec.bridge().name())) {
      throw new ConflictException("org " + org.name + " exists on bridge " + org.bridge.name()
          + ", not on bridge " + spec.bridge().name() + "; it is never moved: delete it first");
    }
    if (!org.pool.name().equals(spec.pool().name())) {
      throw new ConflictException("org " + org.name + " exists in pool " + org.pool.name()
          + ", not in pool " + spec.pool().name() + "; it is never moved: delete it first");
    }
    if (!org.limits.equals(spec.limits()) || !org.flags.equals(spec.flags()) || !org.labels.equals(spec.labels())) {
      org.limits = spec.limits();
      org.flags = spec.flags();
      org.labels = spec.labels();
      events.add(ProgressEvent.of("update", "Updated the limits, flags and labels of container " + org.name));
    }
    if (!org.running()) {
      org.start();
      events.add(ProgressEvent.of("start", "Started container " + org.name));
    }
  }

  private void requireImage(ImageRef image) {
    if (images.isEmpty()) {
      return;
    }
    Set<String> known = images.get();
    boolean found;
    if (image instanceof ImageRef.Alias alias) {
      found = known.contains(alias.name());
    } else if (image instanceof ImageRef.Fingerprint fingerprint) {
      found = known.stream().anyMatch(k -> k.startsWith(fingerprint.sha256()));
    } else {
      found = known.contains(((ImageRef.Remote) image).alias());
    }
    if (!found) {
      throw new NotFoundException("image " + image + " does not exist; the in-memory provider has " + known);
    }
  }

  private Optional<Ipv4Address> freeAddress(BridgeSpec bridge) {
    BitSet used = usedAddresses.getOrDefault(bridge.name(), new BitSet());
    // The subnet is the same for every spec of this bridge (ensureBridge and provision check it); the first org
    // address may differ between specs, so offsets count from the subnet's address.
    Ipv4Address base = bridge.subnet().address();
    int start = bridge.firstOrgAddress().bits() - base.bits();
    for (int offset = used.nextClearBit(start); ; offset = used.nextClearBit(offset + 1)) {
      Ipv4Address ip = base.plus(offset);
      if (!bridge.subnet().isHost(ip)) {
        return Optional.empty();
      }
      if (bridge.isOrgAddress(ip)) {
        return Optional.of(ip);
      }
    }
  }

  @Override
  public synchronized Optional<OrgContainer> find(OrgName org) {
    Objects.requireNonNull(org, "org");
    faults.check("find");
    return Optional.ofNullable(orgs.get(org)).map(Org::snapshot);
  }

  @Override
  public synchronized List<OrgContainer> list() {
    faults.check("list");
    return orgs.values().stream().map(Org::snapshot).toList();
  }

  @Override
  public synchronized OrgContainer start(OrgName org) {
    Org o = managed(org, "start");
    o.start();
    return o.snapshot();
  }

  @Override
  public synchronized OrgContainer stop(OrgName org) {
    Org o = managed(org, "stop");
    o.state = OrgState.STOPPED;
    return o.snapshot();
  }

  @Override
  public synchronized OrgContainer restart(OrgName org) {
    Org o = managed(org, "restart");
    o.state = OrgState.STOPPED;
    o.start();
    return o.snapshot();
  }

  @Override
  public synchronized boolean delete(OrgName org) {
    Objects.requireNonNull(org, "org");
    faults.check("delete");
    Org removed = orgs.remove(org);
    if (removed == null) {
      return false;
    }
    BitSet used = usedAddresses.get(removed.bridge.name());
    used.clear(removed.address.bits() - removed.bridge.subnet().address().bits());
    if (used.isEmpty()) {
      usedAddresses.remove(removed.bridge.name());
    }
    return true;
  }

  @Override
  public ExecResult exec(OrgName org, ExecCommand command) {
    Objects.requireNonNull(command, "command");
    Org o;
    ContainerFiles files;
    synchronized (this) {
      o = managed(org, "exec");
      if (!o.running()) {
        throw new ConflictException("org " + org + " is " + o.state + ": start it before running commands");
      }
      o.commandsSinceStart++;
      files = o.files();
    }
    OrgName name = o.name;
    return Objects.requireNonNull(execHandler.run(new Context(name, command, files)),
        "the ExecHandler returned null");
  }

  private record Context(OrgName org, ExecCommand command, ContainerFiles files) implements ExecContext {}

  @Override
  public synchronized void pushFile(OrgName org, String path, byte[] content, FileAttributes attributes) {
    ContainerPath.check(path);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(attributes, "attributes");
    managed(org, "pushFile").files().write(path, content, attributes);
  }

  @Override
  public synchronized FileContent pullFile(OrgName org, String path) {
    ContainerPath.check(path);
    MemoryFileSystem files = managed(org, "pullFile").files();
    if (files.isDirectory(path)) {
      throw new ConflictException(path + " in org " + org + " is a directory, not a file");
    }
    return files.read(path).orElseThrow(() -> new NotFoundException("file " + path + " does not exist in org " + org));
  }

  @Override
  public synchronized ResourceUsage usage(OrgName org) {
    Org o = managed(org, "usage");
    if (!o.running()) {
      return ResourceUsage.NONE;
    }
    long limit = o.limits.memory().bytes();
    return new ResourceUsage(Duration.ofMillis(o.commandsSinceStart), Math.min(USAGE_MEMORY_BYTES, limit), limit, 1);
  }

  /** The managed container of {@code org} after the fault check, or {@link NotFoundException}. */
  private Org managed(OrgName org, String operation) {
    Objects.requireNonNull(org, "org");
    faults.check(operation);
    Org o = orgs.get(org);
    if (o == null) {
      throw new NotFoundException("org " + org + " has no container");
    }
    return o;
  }
}
