package run.getbot.isolation.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;

/**
 * The behaviour every {@link Ingress} must have, as a JUnit 5 suite: subclass it and implement
 * {@link #createIngress()}. Each test uses its own orgs and hosts under a unique {@code .test} domain, proxies only to
 * loopback upstreams, and removes its orgs' routes afterwards, so the suite can share a real Caddy with other routes.
 * How requests are routed is not checked here (the in-memory ingress checks it with
 * {@link InMemoryIngress#resolve}, the Caddy one with real HTTP requests).
 */
public abstract class IngressContract {

  private static final Comparator<RouteSpec> ORDER = Comparator.comparing(RouteSpec::host)
      .thenComparing(route -> route.pathPrefix().orElse(""));

  private Ingress ingress;
  private final Set<OrgName> orgs = new LinkedHashSet<>();
  private final String domain = TestNames.unique("t", 8) + ".test";

  /** The ingress under test; called before each test, and closed after it. */
  protected abstract Ingress createIngress();

  /** Creates the ingress. */
  @BeforeEach
  public void setUpIngressContract() {
    ingress = createIngress();
  }

  /** Removes the routes of every org the test used and closes the ingress. */
  @AfterEach
  public void tearDownIngressContract() {
    try {
      orgs.forEach(ingress::removeOrg);
    } finally {
      ingress.close();
    }
  }

  // ------------------------------------------------------------------------------------------------- helpers

  /** The ingress of the current test. */
  protected final Ingress ingress() {
    return ingress;
  }

  private OrgName newOrg() {
    OrgName org = OrgName.of(TestNames.unique("ct", 8));
    orgs.add(org);
    return org;
  }

  private String host(OrgName org) {
    return org + "." + domain;
  }

  private static Upstream loopback(int port) {
    return new Upstream("127.0.0.1", port);
  }

  private static RouteSpec orgRoute(OrgName org, String host, int port) {
    return RouteSpec.forOrg(org, host, loopback(port));
  }

  private static RouteSpec teamRoute(OrgName org, String host, String team, int port) {
    return RouteSpec.forTeam(org, host, team, loopback(port));
  }

  /** The routes of this test's orgs, in the order {@link Ingress#routes()} gave them. */
  private List<RouteSpec> ours() {
    return ingress.routes().stream().filter(route -> orgs.contains(route.org())).toList();
  }

  // ------------------------------------------------------------------------------------------------- upsert

  @Test
  void upsertAddsRouteThatRoutesReadsBack() {
    OrgName org = newOrg();
    RouteSpec route = orgRoute(org, host(org), 18080);
    ingress.upsert(route);
    assertEquals(List.of(route), ours());
  }

  @Test
  void upsertReplacesRouteWithSameKey() {
    OrgName org = newOrg();
    ingress.upsert(orgRoute(org, host(org), 18080));
    RouteSpec moved = orgRoute(org, host(org), 18081);
    ingress.upsert(moved);
    assertEquals(List.of(moved), ours());
  }

  @Test
  void upsertIsIdempotent() {
    OrgName org = newOrg();
    RouteSpec route = teamRoute(org, host(org), "marketing", 18080);
    ingress.upsert(route);
    ingress.upsert(route);
    assertEquals(List.of(route), ours());
  }

  @Test
  void teamRouteIsIndependentOfOrder() {
    OrgName first = newOrg();
    OrgName second = newOrg();
    ingress.upsert(teamRoute(first, host(first), "marketing", 18081));
    ingress.upsert(orgRoute(first, host(first), 18080));
    ingress.upsert(orgRoute(second, host(second), 18080));
    ingress.upsert(teamRoute(second, host(second), "marketing", 18081));
    List<RouteSpec> routes = ours();
    for (OrgName org : List.of(first, second)) {
      List<RouteSpec> own = routes.stream().filter(r -> r.org().equals(org)).toList();
      assertEquals(List.of(orgRoute(org, host(org), 18080), teamRoute(org, host(org), "marketing", 18081)), own,
          "org route first, then its team route, whatever the order they were added in");
    }
  }

  @Test
  void teamRoutesOfOneHostCoexist() {
    OrgName org = newOrg();
    String host = host(org);
    ingress.upsert(teamRoute(org, host, "sales", 18082));
    ingress.upsert(teamRoute(org, host, "marketing", 18081));
    ingress.upsert(orgRoute(org, host, 18080));
    assertEquals(List.of(orgRoute(org, host, 18080), teamRoute(org, host, "marketing", 18081),
        teamRoute(org, host, "sales", 18082)), ours());
  }

  @Test
  void hostIsStoredLowerCase() {
    OrgName org = newOrg();
    ingress.upsert(RouteSpec.forOrg(org, host(org).toUpperCase(Locale.ROOT), loopback(18080)));
    assertEquals(List.of(orgRoute(org, host(org), 18080)), ours());
    assertTrue(ingress.remove(RouteKey.of(host(org))));
  }

  // ------------------------------------------------------------------------------------------------- remove

  @Test
  void removeReturnsTrueOnceThenFalse() {
    OrgName org = newOrg();
    RouteSpec route = orgRoute(org, host(org), 18080);
    ingress.upsert(route);
    assertTrue(ingress.remove(route.key()));
    assertFalse(ingress.remove(route.key()));
    assertEquals(List.of(), ours());
  }

  @Test
  void removeOfTeamRouteKeepsOrgRoute() {
    OrgName org = newOrg();
    ingress.upsert(orgRoute(org, host(org), 18080));
    ingress.upsert(teamRoute(org, host(org), "marketing", 18081));
    assertTrue(ingress.remove(RouteKey.of(host(org), "marketing")));
    assertEquals(List.of(orgRoute(org, host(org), 18080)), ours());
  }

  @Test
  void removeOfOrgRouteKeepsTeamRoutes() {
    OrgName org = newOrg();
    ingress.upsert(orgRoute(org, host(org), 18080));
    ingress.upsert(teamRoute(org, host(org), "marketing", 18081));
    assertTrue(ingress.remove(RouteKey.of(host(org))));
    assertEquals(List.of(teamRoute(org, host(org), "marketing", 18081)), ours());
  }

  @Test
  void removeOrgRemovesEveryRouteOfThatOrgOnly() {
    OrgName gone = newOrg();
    OrgName kept = newOrg();
    String otherHost = "www." + host(gone);
    ingress.apply(List.of(
        RouteChange.upsert(orgRoute(gone, host(gone), 18080)),
        RouteChange.upsert(teamRoute(gone, host(gone), "marketing", 18081)),
        RouteChange.upsert(orgRoute(gone, otherHost, 18080)),
        RouteChange.upsert(orgRoute(kept, host(kept), 18090))));
    assertEquals(3, ingress.removeOrg(gone));
    assertEquals(List.of(orgRoute(kept, host(kept), 18090)), ours());
    assertEquals(0, ingress.removeOrg(gone));
  }

  @Test
  void removeOrgOfOrgWithoutRoutesIsZero() {
    assertEquals(0, ingress.removeOrg(newOrg()));
  }

  // ------------------------------------------------------------------------------------------ host ownership

  @Test
  void hostOfAnotherOrgIsAConflictAndChangesNothing() {
    OrgName owner = newOrg();
    OrgName intruder = newOrg();
    ingress.upsert(orgRoute(owner, host(owner), 18080));
    List<RouteSpec> before = ours();
    ConflictException e = assertThrows(ConflictException.class,
        () -> ingress.upsert(orgRoute(intruder, host(owner), 18099)));
    assertTrue(e.getMessage().contains(owner.value()) && e.getMessage().contains(intruder.value()),
        () -> "the message should name both orgs: " + e.getMessage());
    assertEquals(before, ours());
  }

  @Test
  void teamRouteOnHostOfAnotherOrgIsAConflict() {
    OrgName owner = newOrg();
    OrgName intruder = newOrg();
    ingress.upsert(teamRoute(owner, host(owner), "marketing", 18081));
    assertThrows(ConflictException.class, () -> ingress.upsert(teamRoute(intruder, host(owner), "sales", 18099)));
    assertThrows(ConflictException.class, () -> ingress.upsert(orgRoute(intruder, host(owner), 18099)));
    assertEquals(List.of(teamRoute(owner, host(owner), "marketing", 18081)), ours());
  }

  @Test
  void hostIsFreeAgainOnceItsOrgIsRemoved() {
    OrgName before = newOrg();
    OrgName after = newOrg();
    String host = host(before);
    ingress.upsert(orgRoute(before, host, 18080));
    ingress.removeOrg(before);
    ingress.upsert(orgRoute(after, host, 18081));
    assertEquals(List.of(orgRoute(after, host, 18081)), ours());
  }

  // -------------------------------------------------------------------------------------------------- apply

  @Test
  void applyAppliesChangesInOrder() {
    OrgName org = newOrg();
    RouteSpec first = orgRoute(org, host(org), 18080);
    RouteSpec replaced = orgRoute(org, host(org), 18081);
    RouteSpec team = teamRoute(org, host(org), "marketing", 18082);
    RouteSpec dropped = teamRoute(org, host(org), "sales", 18083);
    ingress.apply(List.of(RouteChange.upsert(first), RouteChange.upsert(dropped), RouteChange.upsert(team),
        RouteChange.upsert(replaced), RouteChange.remove(dropped.key())));
    assertEquals(List.of(replaced, team), ours());
  }

  @Test
  void applyIsAtomic() {
    OrgName owner = newOrg();
    OrgName other = newOrg();
    ingress.upsert(orgRoute(owner, host(owner), 18080));
    List<RouteSpec> before = ours();
    assertThrows(ConflictException.class, () -> ingress.apply(List.of(
        RouteChange.upsert(orgRoute(other, host(other), 18090)),
        RouteChange.upsert(orgRoute(owner, host(owner), 18081)),
        RouteChange.upsert(teamRoute(other, host(owner), "sales", 18091)))));
    assertEquals(before, ours(), "a failed batch must change nothing, not even its valid first changes");
  }

  @Test
  void applyConflictSeesPrecedingChanges() {
    OrgName previous = newOrg();
    OrgName next = newOrg();
    String host = host(previous);
    ingress.upsert(orgRoute(previous, host, 18080));
    ingress.apply(List.of(RouteChange.removeOrg(previous), RouteChange.upsert(orgRoute(next, host, 18081))));
    assertEquals(List.of(orgRoute(next, host, 18081)), ours());
  }

  @Test
  void applyConflictWithinTheBatchChangesNothing() {
    OrgName a = newOrg();
    OrgName b = newOrg();
    String host = host(a);
    assertThrows(ConflictException.class, () -> ingress.apply(List.of(
        RouteChange.upsert(orgRoute(a, host, 18080)), RouteChange.upsert(teamRoute(b, host, "sales", 18081)))));
    assertEquals(List.of(), ours());
  }

  @Test
  void applyOfEmptyBatchChangesNothing() {
    OrgName org = newOrg();
    ingress.upsert(orgRoute(org, host(org), 18080));
    ingress.apply(List.of());
    assertEquals(List.of(orgRoute(org, host(org), 18080)), ours());
  }

  // ----------------------------------------------------------------------------------------- listing, input

  @Test
  void routesAreSortedByHostThenPathPrefix() {
    OrgName a = newOrg();
    OrgName b = newOrg();
    List<RouteSpec> scrambled = List.of(
        teamRoute(b, "b." + domain, "zeta", 18085),
        orgRoute(a, "a." + domain, 18080),
        teamRoute(a, "a." + domain, "mkt", 18082),
        orgRoute(b, "b." + domain, 18084),
        teamRoute(a, "a." + domain, "mkt-eu", 18083),
        teamRoute(a, "a." + domain, "alpha", 18081));
    scrambled.forEach(ingress::upsert);
    List<RouteSpec> expected = new ArrayList<>(scrambled);
    expected.sort(ORDER);
    assertEquals(expected, ours());
    List<RouteSpec> all = ingress.routes();
    List<RouteSpec> sorted = new ArrayList<>(all);
    sorted.sort(ORDER);
    assertEquals(sorted, all, "every route, not just this test's, is sorted");
  }

  @Test
  void invalidRoutesCannotBeBuilt() {
    OrgName org = newOrg();
    for (String host : List.of("bad_host.test", "a..b.test", "*." + domain, host(org) + ":443", host(org) + ".",
        "")) {
      assertThrows(InvalidSpecException.class, () -> orgRoute(org, host, 18080), () -> "host '" + host + "'");
      assertThrows(InvalidSpecException.class, () -> RouteKey.of(host), () -> "key host '" + host + "'");
    }
    for (String prefix : List.of("/a/b", "team", "/Team", "/", "/-x", "/a b")) {
      assertThrows(InvalidSpecException.class,
          () -> new RouteSpec(org, host(org), Optional.of(prefix), loopback(18080)), () -> "prefix '" + prefix + "'");
    }
    assertThrows(InvalidSpecException.class, () -> loopback(0));
    assertThrows(InvalidSpecException.class, () -> new Upstream("127.0.0.1:80", 80));
    assertEquals(List.of(), ours());
  }
}
