package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;

/**
 * The deploy pipeline over any {@link IsolationProvider} and {@link Ingress}: from an email address to a live URL
 * ({@link #deploy}), back to nothing ({@link #undeploy(OrgName)}), and back to consistency after a crash or a lost
 * ingress config ({@link #reconcile()}).
 *
 * <p>Incus is the source of truth: an org's source domain and its teams' ports are recorded in its container's labels
 * ({@value #DOMAIN_LABEL}, {@value #TEAMS_LABEL}); routes are derived from them and can always be rebuilt. A deploy
 * that fails part-way (say the ingress is down after the container is up) leaves a state that the next
 * {@code deploy} or {@code reconcile} completes. Calls for the same org are serialized within this instance.
 */
public final class OrgIsolation {

  /** Label holding the registrable email domain an org was derived from. */
  public static final String DOMAIN_LABEL = "getbot.domain";
  /** Label holding the org's deployed teams and their ports, as {@code team:port,team:port}. */
  public static final String TEAMS_LABEL = "getbot.teams";

  private final IsolationProvider provider;
  private final Ingress ingress;
  private final String baseDomain;
  private final ImageRef image;
  private final UnaryOperator<OrgSpec.Builder> orgDefaults;
  private final Duration addressTimeout;
  private final String scheme;
  private final Duration dockerTimeout;
  private final DockerWorkloads workloads;
  private final Map<OrgName, Object> locks = new ConcurrentHashMap<>();

  private OrgIsolation(Builder b) {
    this.provider = b.provider;
    this.ingress = b.ingress;
    this.baseDomain = b.baseDomain;
    this.image = b.image;
    this.orgDefaults = b.orgDefaults;
    this.addressTimeout = b.addressTimeout;
    this.scheme = b.scheme;
    this.dockerTimeout = b.dockerTimeout;
    this.workloads = new DockerWorkloads(b.provider);
  }

  /** A builder over {@code provider} and {@code ingress}, creating containers from {@code image}. */
  public static Builder builder(IsolationProvider provider, Ingress ingress, ImageRef image) {
    return new Builder(provider, ingress, image);
  }

  /** The host an org is served on: {@code ORG.<baseDomain>}. */
  public String hostOf(OrgName org) {
    return org.value() + "." + baseDomain;
  }

  /** Same as {@link #deploy(DeployRequest, ProgressListener)} without progress events. */
  public Deployment deploy(DeployRequest request) {
    return deploy(request, ProgressListener.NONE);
  }

  /**
   * Ensures bridge and pool, provisions the org's container (reusing it when the org exists: a second team only adds a
   * route), waits for its IPv4 address, runs the request's workload if it has one (Docker ready, images loaded,
   * {@code compose up}, healthy; see {@link DockerWorkloads}), and routes {@code ORG.<baseDomain>/TEAM} to the team's
   * port. Each step emits a progress event; a failure names the step.
   *
   * @throws ConflictException if the org was deployed for another email domain that derives the same name
   * @throws OperationFailedException if the container's address does not come up within the timeout
   */
  public Deployment deploy(DeployRequest request, ProgressListener progress) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(progress, "progress");
    OrgName org = request.org();
    synchronized (lockOf(org)) {
      progress.onProgress(ProgressEvent.of("identity", "org " + org + request.domain().map(d -> " from " + d)
          .orElse("") + ", team " + request.team() + ", host " + hostOf(org)));
      Optional<OrgContainer> existing = step("identity", () -> provider.find(org));
      Map<String, String> labels = new TreeMap<>(existing.map(OrgContainer::labels).orElse(Map.of()));
      request.domain().ifPresent(domain -> {
        String recorded = labels.get(DOMAIN_LABEL);
        if (recorded != null && !recorded.equals(domain)) {
          throw new ConflictException("org " + org + " is deployed for " + recorded + "; " + domain
              + " derives the same org name. Deploy it under an explicit org name instead");
        }
        labels.put(DOMAIN_LABEL, domain);
      });
      Map<String, Integer> teams = teamsOf(labels);
      teams.put(request.team(), request.port());
      labels.put(TEAMS_LABEL, formatTeams(teams));
      OrgSpec spec = specOf(org, labels);

      progress.onProgress(ProgressEvent.of("bridge", "ensuring bridge " + spec.bridge().name()));
      step("bridge", () -> provider.ensureBridge(spec.bridge()));
      progress.onProgress(ProgressEvent.of("pool", "ensuring pool " + spec.pool().name()));
      step("pool", () -> provider.ensurePool(spec.pool()));
      progress.onProgress(ProgressEvent.of("container", existing.isPresent()
          ? "reusing container " + org : "creating container " + org));
      OrgContainer container = step("container", () -> provider.provision(spec, progress));
      progress.onProgress(ProgressEvent.of("address", "waiting for " + org + " to bring up " + container.address()));
      OrgContainer up = step("address", () -> awaitIpv4(org));
      request.workload().ifPresent(project -> step("workload", () -> {
        workloads.awaitDocker(org, dockerTimeout, progress);
        workloads.up(org, project, progress);
        return project;
      }));
      RouteSpec route = RouteSpec.forTeam(org, hostOf(org), request.team(), Upstream.of(up.address(), request.port()));
      progress.onProgress(ProgressEvent.of("route", "routing " + route.key() + " to " + route.upstream()));
      step("route", () -> {
        ingress.upsert(route);
        return route;
      });
      URI url = URI.create(scheme + "://" + route.host() + route.pathPrefix().orElse("") + "/");
      progress.onProgress(ProgressEvent.of("done", "deployed " + url));
      return new Deployment(up, route, url);
    }
  }

  /**
   * Removes the org entirely: its routes first, then its container and everything in it.
   *
   * @return true if there was anything to remove
   */
  public boolean undeploy(OrgName org) {
    synchronized (lockOf(org)) {
      int routes = ingress.removeOrg(org);
      return provider.delete(org) || routes > 0;
    }
  }

  /**
   * Removes one team: its route, then its record on the container. The container stays, with the org's other teams.
   *
   * @return true if the team had a route or a record
   */
  public boolean undeploy(OrgName org, String team) {
    RouteSpec.checkPathPrefix("/" + team);
    synchronized (lockOf(org)) {
      boolean routed = ingress.remove(RouteKey.of(hostOf(org), team));
      Optional<OrgContainer> container = provider.find(org);
      if (container.isEmpty()) {
        return routed;
      }
      if (container.get().isRunning() && container.get().flags().nesting()) {
        workloads.down(org, team);
      }
      Map<String, String> labels = new TreeMap<>(container.get().labels());
      Map<String, Integer> teams = teamsOf(labels);
      if (teams.remove(team) == null) {
        return routed;
      }
      labels.put(TEAMS_LABEL, formatTeams(teams));
      provider.provision(specOf(org, labels));
      return true;
    }
  }

  /**
   * Makes Incus and the ingress agree with what is recorded on the containers: limits and flags that drifted are
   * reset, missing or stale routes under the base domain are rewritten in one ingress batch.
   */
  public ReconcileReport reconcile() {
    List<OrgName> converged = new ArrayList<>();
    Map<RouteKey, RouteSpec> desired = new LinkedHashMap<>();
    for (OrgContainer container : provider.list()) {
      if (!container.labels().containsKey(TEAMS_LABEL)) {
        continue; // provisioned directly, not through this pipeline
      }
      OrgName org = container.name();
      synchronized (lockOf(org)) {
        OrgSpec spec = specOf(org, container.labels());
        if (!container.limits().equals(spec.limits()) || !container.flags().equals(spec.flags())) {
          provider.provision(spec);
          converged.add(org);
        }
      }
      teamsOf(container.labels()).forEach((team, port) -> {
        RouteSpec route = RouteSpec.forTeam(org, hostOf(org), team, Upstream.of(container.address(), port));
        desired.put(route.key(), route);
      });
    }
    Map<RouteKey, RouteSpec> actual = new HashMap<>();
    for (RouteSpec route : ingress.routes()) {
      actual.put(route.key(), route);
    }
    List<RouteChange> changes = new ArrayList<>();
    List<RouteKey> removed = new ArrayList<>();
    for (RouteSpec route : actual.values()) {
      if (route.host().endsWith("." + baseDomain) && !desired.containsKey(route.key())) {
        removed.add(route.key());
        changes.add(RouteChange.remove(route.key()));
      }
    }
    List<RouteSpec> restored = new ArrayList<>();
    for (RouteSpec route : desired.values()) {
      if (!route.equals(actual.get(route.key()))) {
        restored.add(route);
        changes.add(RouteChange.upsert(route));
      }
    }
    if (!changes.isEmpty()) {
      ingress.apply(changes);
    }
    removed.sort(Comparator.comparing(RouteKey::toString));
    return new ReconcileReport(converged, restored, removed);
  }

  private Object lockOf(OrgName org) {
    return locks.computeIfAbsent(org, k -> new Object());
  }

  private OrgSpec specOf(OrgName org, Map<String, String> labels) {
    return orgDefaults.apply(OrgSpec.builder(org, image)).labels(labels).build();
  }

  private OrgContainer awaitIpv4(OrgName org) {
    long deadline = System.nanoTime() + addressTimeout.toNanos();
    while (true) {
      OrgContainer c = provider.find(org)
          .orElseThrow(() -> new NotFoundException("org " + org + " disappeared while waiting for its address"));
      if (c.ipv4().isPresent()) {
        return c;
      }
      if (System.nanoTime() - deadline >= 0) {
        throw new OperationFailedException("org " + org + " did not bring up its IPv4 address " + c.address()
            + " within " + addressTimeout.toSeconds() + " s (is a DHCP client running in the image?)", "");
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OperationFailedException("interrupted while waiting for the address of org " + org, "", e);
      }
    }
  }

  /** Parses {@code team:port,team:port}; entries that do not parse are skipped. */
  static Map<String, Integer> teamsOf(Map<String, String> labels) {
    Map<String, Integer> teams = new TreeMap<>();
    String value = labels.getOrDefault(TEAMS_LABEL, "");
    for (String entry : value.split(",")) {
      int colon = entry.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String team = entry.substring(0, colon);
      String port = entry.substring(colon + 1);
      if (team.matches("[a-z0-9][a-z0-9-]{0,62}") && port.matches("[0-9]{1,5}")
          && Integer.parseInt(port) >= 1 && Integer.parseInt(port) <= 65535) {
        teams.put(team, Integer.parseInt(port));
      }
    }
    return teams;
  }

  private static String formatTeams(Map<String, Integer> teams) {
    StringBuilder sb = new StringBuilder();
    teams.forEach((team, port) -> sb.append(sb.length() == 0 ? "" : ",").append(team).append(':').append(port));
    return sb.toString();
  }

  private interface Step<T> {
    T run();
  }

  private static <T> T step(String name, Step<T> body) {
    try {
      return body.run();
    } catch (IsolationException e) {
      throw atStep(name, e);
    }
  }

  /** The same kind of exception, its message prefixed with the failed step. */
  static IsolationException atStep(String step, IsolationException e) {
    String message = "deploy step '" + step + "' failed: " + e.getMessage();
    if (e instanceof InvalidSpecException) {
      return new InvalidSpecException(message, e);
    } else if (e instanceof NotFoundException) {
      return new NotFoundException(message, e);
    } else if (e instanceof ConflictException) {
      return new ConflictException(message, e);
    } else if (e instanceof ProviderUnavailableException) {
      return new ProviderUnavailableException(message, e);
    }
    return new OperationFailedException("deploy step '" + step + "' failed",
        ((OperationFailedException) e).backendMessage(), e);
  }

  /** Configures an {@link OrgIsolation}; everything but provider, ingress and image has the product's default. */
  public static final class Builder {
    private final IsolationProvider provider;
    private final Ingress ingress;
    private final ImageRef image;
    private String baseDomain = "getbot.run";
    private UnaryOperator<OrgSpec.Builder> orgDefaults = UnaryOperator.identity();
    private Duration addressTimeout = Duration.ofSeconds(60);
    private String scheme = "https";
    private Duration dockerTimeout = Duration.ofSeconds(120);

    private Builder(IsolationProvider provider, Ingress ingress, ImageRef image) {
      this.provider = Objects.requireNonNull(provider, "provider");
      this.ingress = Objects.requireNonNull(ingress, "ingress");
      this.image = Objects.requireNonNull(image, "image");
    }

    /** The domain org hosts live under: {@code ORG.<baseDomain>}. Default {@code getbot.run}. */
    public Builder baseDomain(String baseDomain) {
      this.baseDomain = Hosts.check(baseDomain);
      return this;
    }

    /**
     * How every org's container is specified, beyond the image: applied to {@link OrgSpec#builder} before the
     * pipeline sets the labels, e.g. {@code spec -> spec.bridge(myBridge).limits(ResourceLimits.of(4, mem))}. Default:
     * the product's defaults (2 CPUs, 3 GB, {@link SecurityFlags#DOCKER}, {@link BridgeSpec#DEFAULT},
     * {@link PoolSpec#DEFAULT}). {@link #reconcile()} resets drifted limits and flags to it.
     */
    public Builder orgDefaults(UnaryOperator<OrgSpec.Builder> defaults) {
      this.orgDefaults = Objects.requireNonNull(defaults, "defaults");
      return this;
    }

    /** How long {@code deploy} waits for a new container's IPv4 address. Default 60 s. */
    public Builder addressTimeout(Duration timeout) {
      check(!timeout.isNegative() && !timeout.isZero(), "address timeout must be positive");
      this.addressTimeout = timeout;
      return this;
    }

    /** How long {@code deploy} waits for Docker inside a new container before starting a workload. Default 120 s. */
    public Builder dockerTimeout(Duration timeout) {
      check(!timeout.isNegative() && !timeout.isZero(), "Docker timeout must be positive");
      this.dockerTimeout = timeout;
      return this;
    }

    /** The scheme of deployment URLs, {@code https} (default) or {@code http}. */
    public Builder scheme(String scheme) {
      check("https".equals(scheme) || "http".equals(scheme), "scheme must be https or http");
      this.scheme = scheme;
      return this;
    }

    /** Builds the pipeline. */
    public OrgIsolation build() {
      return new OrgIsolation(this);
    }
  }
}
