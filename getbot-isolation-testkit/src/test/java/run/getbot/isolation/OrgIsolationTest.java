package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.testkit.InMemoryIngress;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

class OrgIsolationTest {

  private static final ImageRef IMAGE = ImageRef.alias("getbot-busybox");
  private static final OrgName ACME = OrgName.of("acme");

  private final InMemoryIsolationProvider provider = InMemoryIsolationProvider.create();
  private InMemoryIngress ingress = InMemoryIngress.create();
  private OrgIsolation isolation = OrgIsolation.builder(provider, ingress, IMAGE).build();

  @Test
  void deployGoesFromAnEmailToARoutedRunningContainer() {
    Deployment d = isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));

    assertThat(d.org()).isEqualTo(ACME);
    assertThat(d.container().isRunning()).isTrue();
    assertThat(d.address()).isEqualTo(Ipv4Address.parse("10.199.0.100"));
    assertThat(d.url()).isEqualTo(URI.create("https://acme.getbot.run/marketing/"));
    assertThat(ingress.routes()).containsExactly(RouteSpec.forTeam(ACME, "acme.getbot.run", "marketing",
        Upstream.parse("10.199.0.100:8080")));
    assertThat(ingress.resolve("acme.getbot.run", "/marketing/index.html")).map(RouteSpec::upstream)
        .contains(Upstream.parse("10.199.0.100:8080"));
    assertThat(provider.find(ACME).orElseThrow().labels())
        .containsEntry(OrgIsolation.DOMAIN_LABEL, "acme.com")
        .containsEntry(OrgIsolation.TEAMS_LABEL, "marketing:8080");
  }

  @Test
  void deployReportsEachStepInOrder() {
    List<String> steps = new ArrayList<>();
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080), e -> steps.add(e.step()));

    assertThat(steps).containsSubsequence("identity", "bridge", "pool", "container", "address", "route", "done");
  }

  @Test
  void aSecondTeamReusesTheContainerAndOnlyAddsARoute() {
    Deployment first = isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    Deployment second = isolation.deploy(DeployRequest.forEmail("bob@acme.com", "sales", 9090));

    assertThat(provider.list()).hasSize(1);
    assertThat(second.address()).isEqualTo(first.address());
    assertThat(ingress.routes()).extracting(RouteSpec::pathPrefix)
        .containsExactly(Optional.of("/marketing"), Optional.of("/sales"));
    assertThat(provider.find(ACME).orElseThrow().labels())
        .containsEntry(OrgIsolation.TEAMS_LABEL, "marketing:8080,sales:9090");
  }

  @Test
  void anotherDomainDerivingTheSameOrgIsAConflictNamingBothDomains() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    long writes = ingress.writeCount();

    assertThatExceptionOfType(ConflictException.class)
        .isThrownBy(() -> isolation.deploy(DeployRequest.forEmail("eve@acme.io", "sales", 9090)))
        .withMessageContaining("acme.com").withMessageContaining("acme.io");
    assertThat(ingress.writeCount()).isEqualTo(writes);
    assertThat(provider.find(ACME).orElseThrow().labels()).containsEntry(OrgIsolation.TEAMS_LABEL, "marketing:8080");
  }

  @Test
  void sharedMailboxUsersMustNameTheirOrg() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> DeployRequest.forEmail("carol@gmail.com", "marketing", 8080))
        .withMessageContaining("shared mailbox");

    Deployment d = isolation.deploy(DeployRequest.forOrg(OrgName.of("carols-shop"), "marketing", 8080));
    assertThat(d.url()).hasToString("https://carols-shop.getbot.run/marketing/");
    assertThat(d.container().labels()).doesNotContainKey(OrgIsolation.DOMAIN_LABEL);
  }

  @Test
  void undeployingATeamKeepsTheContainerAndTheOtherTeams() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "sales", 9090));

    assertThat(isolation.undeploy(ACME, "marketing")).isTrue();

    assertThat(provider.find(ACME)).isPresent();
    assertThat(ingress.routes()).extracting(RouteSpec::team).containsExactly(Optional.of("sales"));
    assertThat(provider.find(ACME).orElseThrow().labels()).containsEntry(OrgIsolation.TEAMS_LABEL, "sales:9090");
    assertThat(isolation.undeploy(ACME, "marketing")).isFalse();
  }

  @Test
  void undeployingTheOrgLeavesNoInstanceNoRouteAndFreesTheAddress() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "sales", 9090));

    assertThat(isolation.undeploy(ACME)).isTrue();

    assertThat(provider.list()).isEmpty();
    assertThat(ingress.routes()).isEmpty();
    assertThat(isolation.deploy(DeployRequest.forEmail("zoe@zeta.org", "ops", 8080)).address())
        .isEqualTo(Ipv4Address.parse("10.199.0.100"));
    assertThat(isolation.undeploy(ACME)).isFalse();
  }

  @Test
  void aFailureAtTheRouteStepNamesItAndTheNextDeployCompletes() {
    ingress.setUnavailable(true);

    assertThatExceptionOfType(ProviderUnavailableException.class)
        .isThrownBy(() -> isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080)))
        .withMessageStartingWith("deploy step 'route' failed");
    assertThat(provider.find(ACME)).isPresent();
    ingress.setUnavailable(false);
    assertThat(ingress.routes()).isEmpty();

    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    assertThat(provider.list()).hasSize(1);
    assertThat(ingress.routes()).hasSize(1);
  }

  @Test
  void reconcileCompletesADeployThatFailedAtTheRouteStep() {
    ingress.failNext("upsert", new ProviderUnavailableException("caddy is down"));
    assertThatExceptionOfType(ProviderUnavailableException.class)
        .isThrownBy(() -> isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080)));

    ReconcileReport report = isolation.reconcile();

    assertThat(report.routesRestored()).extracting(RouteSpec::key)
        .containsExactly(RouteKey.of("acme.getbot.run", "marketing"));
    assertThat(ingress.resolve("acme.getbot.run", "/marketing")).isPresent();
  }

  @Test
  void reconcileRebuildsEveryRouteInOneWriteAfterTheIngressLostItsConfig() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "sales", 9090));
    isolation.deploy(DeployRequest.forEmail("bob@beta.org", "ops", 3000));
    List<RouteSpec> before = ingress.routes();
    ingress = InMemoryIngress.create();
    isolation = OrgIsolation.builder(provider, ingress, IMAGE).build();

    ReconcileReport report = isolation.reconcile();

    assertThat(ingress.routes()).isEqualTo(before);
    assertThat(report.routesRestored()).hasSize(3);
    assertThat(ingress.writeCount()).isEqualTo(1);
  }

  @Test
  void reconcileResetsDriftedLimitsAndFlags() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    OrgContainer drifted = provider.find(ACME).orElseThrow();
    provider.provision(OrgSpec.builder(ACME, IMAGE).limits(ResourceLimits.of(1, MemorySize.gibibytes(1)))
        .flags(SecurityFlags.NONE).labels(drifted.labels()).build());

    ReconcileReport report = isolation.reconcile();

    assertThat(report.convergedOrgs()).containsExactly(ACME);
    OrgContainer after = provider.find(ACME).orElseThrow();
    assertThat(after.limits()).isEqualTo(ResourceLimits.DEFAULT);
    assertThat(after.flags()).isEqualTo(SecurityFlags.DOCKER);
  }

  @Test
  void reconcileRemovesStaleRoutesUnderTheBaseDomainOnly() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    RouteSpec stale = RouteSpec.forTeam(OrgName.of("gone"), "gone.getbot.run", "x", Upstream.parse("10.199.0.150:80"));
    RouteSpec foreign = RouteSpec.forOrg(OrgName.of("other"), "other.example.com", Upstream.parse("127.0.0.1:80"));
    ingress.upsert(stale);
    ingress.upsert(foreign);

    ReconcileReport report = isolation.reconcile();

    assertThat(report.routesRemoved()).containsExactly(stale.key());
    assertThat(ingress.routes()).contains(foreign).doesNotContain(stale);
  }

  @Test
  void reconcileOfAConsistentStateChangesNothing() {
    isolation.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080));
    long writes = ingress.writeCount();

    assertThat(isolation.reconcile().isEmpty()).isTrue();
    assertThat(ingress.writeCount()).isEqualTo(writes);
  }

  @Test
  void anAddressThatNeverComesUpIsABoundedClearTimeout() {
    IsolationProvider noDhcp = new NoAddressProvider(provider);
    OrgIsolation slow = OrgIsolation.builder(noDhcp, ingress, IMAGE).addressTimeout(Duration.ofMillis(1)).build();

    assertThatExceptionOfType(OperationFailedException.class)
        .isThrownBy(() -> slow.deploy(DeployRequest.forEmail("alice@acme.com", "marketing", 8080)))
        .withMessageContaining("deploy step 'address' failed")
        .havingCause().withMessageContaining("did not bring up its IPv4 address 10.199.0.100");
    assertThat(ingress.routes()).isEmpty();
  }

  @Test
  void invalidTeamsAndPortsAreRejectedBeforeAnything() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> DeployRequest.forEmail("alice@acme.com", "Marketing/../x", 8080));
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> DeployRequest.forEmail("alice@acme.com", "marketing", 70000));
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> isolation.undeploy(ACME, "no/slash"));
    assertThat(provider.list()).isEmpty();
  }

  /** A provider whose containers never report an address on eth0, as with an image without a DHCP client. */
  private static final class NoAddressProvider implements IsolationProvider {
    private final IsolationProvider delegate;

    NoAddressProvider(IsolationProvider delegate) {
      this.delegate = delegate;
    }

    private static OrgContainer strip(OrgContainer c) {
      return new OrgContainer(c.name(), c.state(), c.address(), Optional.empty(), c.type(), c.snapshotCount(),
          c.limits(), c.flags(), c.labels());
    }

    @Override public Change ensureBridge(BridgeSpec bridge) { return delegate.ensureBridge(bridge); }
    @Override public Change ensurePool(PoolSpec pool) { return delegate.ensurePool(pool); }
    @Override public boolean deleteBridge(String name) { return delegate.deleteBridge(name); }
    @Override public boolean deletePool(String name) { return delegate.deletePool(name); }
    @Override public OrgContainer provision(OrgSpec spec, ProgressListener p) { return strip(delegate.provision(spec, p)); }
    @Override public Optional<OrgContainer> find(OrgName org) { return delegate.find(org).map(NoAddressProvider::strip); }
    @Override public List<OrgContainer> list() { return delegate.list().stream().map(NoAddressProvider::strip).toList(); }
    @Override public OrgContainer start(OrgName org) { return strip(delegate.start(org)); }
    @Override public OrgContainer stop(OrgName org) { return strip(delegate.stop(org)); }
    @Override public OrgContainer restart(OrgName org) { return strip(delegate.restart(org)); }
    @Override public boolean delete(OrgName org) { return delegate.delete(org); }
    @Override public ExecResult exec(OrgName org, ExecCommand c) { return delegate.exec(org, c); }
    @Override public void pushFile(OrgName org, String path, byte[] b, FileAttributes a) { delegate.pushFile(org, path, b, a); }
    @Override public FileContent pullFile(OrgName org, String path) { return delegate.pullFile(org, path); }
    @Override public ResourceUsage usage(OrgName org) { return delegate.usage(org); }
  }
}
