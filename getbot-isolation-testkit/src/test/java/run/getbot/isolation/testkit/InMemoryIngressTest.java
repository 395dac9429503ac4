package run.getbot.isolation.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.RouteChange;
import run.getbot.isolation.RouteKey;
import run.getbot.isolation.RouteSpec;
import run.getbot.isolation.Upstream;

/** Routing, write counting and failure injection of the in-memory ingress. */
class InMemoryIngressTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final OrgName GLOBEX = OrgName.of("globex");
  private static final String HOST = "acme.getbot.run";
  private static final RouteSpec ORG = RouteSpec.forOrg(ACME, HOST, Upstream.parse("10.199.0.100:8080"));
  private static final RouteSpec TEAM = RouteSpec.forTeam(ACME, HOST, "t", Upstream.parse("10.199.0.100:9001"));
  private static final RouteSpec TEAM2 = RouteSpec.forTeam(ACME, HOST, "team2", Upstream.parse("10.199.0.100:9002"));

  private final InMemoryIngress ingress = InMemoryIngress.create();

  @Nested
  class Resolve {

    @Test
    void teamRouteMatchesItsPathAndBelowOnly() {
      ingress.apply(List.of(RouteChange.upsert(TEAM), RouteChange.upsert(ORG)));
      assertThat(ingress.resolve(HOST, "/t")).contains(TEAM);
      assertThat(ingress.resolve(HOST, "/t/")).contains(TEAM);
      assertThat(ingress.resolve(HOST, "/t/chat/ws")).contains(TEAM);
      assertThat(ingress.resolve(HOST, "/team2")).contains(ORG);
      assertThat(ingress.resolve(HOST, "/tx/t")).contains(ORG);
      assertThat(ingress.resolve(HOST, "/")).contains(ORG);
      assertThat(ingress.resolve(HOST, "")).contains(ORG);
    }

    @Test
    void teamRouteWinsWhateverTheOrder() {
      ingress.upsert(ORG);
      ingress.upsert(TEAM);
      assertThat(ingress.resolve(HOST, "/t/x")).contains(TEAM);
      InMemoryIngress reversed = InMemoryIngress.create();
      reversed.upsert(TEAM);
      reversed.upsert(ORG);
      assertThat(reversed.resolve(HOST, "/t/x")).contains(TEAM);
    }

    @Test
    void prefixesThatStartAlikeStayApart() {
      ingress.apply(List.of(RouteChange.upsert(TEAM), RouteChange.upsert(TEAM2)));
      assertThat(ingress.resolve(HOST, "/team2/x")).contains(TEAM2);
      assertThat(ingress.resolve(HOST, "/t/x")).contains(TEAM);
      assertThat(ingress.resolve(HOST, "/team")).as("no org route to fall back to").isEmpty();
    }

    @Test
    void hostIsCaseInsensitiveAndPortAndQueryAreIgnored() {
      ingress.apply(List.of(RouteChange.upsert(ORG), RouteChange.upsert(TEAM)));
      assertThat(ingress.resolve("ACME.GetBot.Run:443", "/t?x=/y")).contains(TEAM);
      assertThat(ingress.resolve(HOST, "/other?next=/t")).contains(ORG);
    }

    @Test
    void unknownHostIsEmpty() {
      ingress.upsert(ORG);
      assertThat(ingress.resolve("globex.getbot.run", "/")).isEmpty();
      assertThat(ingress.resolve("getbot.run", "/")).isEmpty();
      assertThat(ingress.resolve("x." + HOST, "/")).isEmpty();
    }

    @Test
    void removedRoutesNoLongerResolve() {
      ingress.apply(List.of(RouteChange.upsert(ORG), RouteChange.upsert(TEAM)));
      ingress.remove(TEAM.key());
      assertThat(ingress.resolve(HOST, "/t")).contains(ORG);
      ingress.removeOrg(ACME);
      assertThat(ingress.resolve(HOST, "/t")).isEmpty();
    }
  }

  @Nested
  class WriteCount {

    @Test
    void everySuccessfulMutatingCallCountsOne() {
      assertThat(ingress.writeCount()).isZero();
      ingress.upsert(ORG);
      ingress.apply(List.of(RouteChange.upsert(TEAM), RouteChange.upsert(TEAM2), RouteChange.remove(TEAM.key())));
      ingress.remove(RouteKey.of("nothing.getbot.run"));
      ingress.removeOrg(GLOBEX);
      ingress.routes();
      ingress.resolve(HOST, "/");
      assertThat(ingress.writeCount()).isEqualTo(4);
    }

    @Test
    void failedCallsCountNothing() {
      ingress.upsert(ORG);
      RouteSpec stolen = RouteSpec.forOrg(GLOBEX, HOST, Upstream.parse("10.199.0.101:8080"));
      assertThatThrownBy(() -> ingress.upsert(stolen)).isInstanceOf(ConflictException.class);
      assertThatThrownBy(() -> ingress.apply(List.of(RouteChange.upsert(TEAM), RouteChange.upsert(stolen))))
          .isInstanceOf(ConflictException.class);
      assertThat(ingress.writeCount()).isEqualTo(1);
      assertThat(ingress.routes()).containsExactly(ORG);
    }
  }

  @Nested
  class Failures {

    @Test
    void unavailableIngressFailsEveryCallAndChangesNothing() {
      ingress.upsert(ORG);
      ingress.setUnavailable(true);
      List<Runnable> calls = Arrays.asList(
          () -> ingress.upsert(TEAM),
          () -> ingress.remove(ORG.key()),
          () -> ingress.removeOrg(ACME),
          () -> ingress.routes(),
          () -> ingress.apply(List.of(RouteChange.removeOrg(ACME))));
      calls.forEach(call -> assertThatThrownBy(call::run).isInstanceOf(ProviderUnavailableException.class));
      ingress.setUnavailable(false);
      assertThat(ingress.routes()).containsExactly(ORG);
      assertThat(ingress.writeCount()).isEqualTo(1);
    }

    @Test
    void failNextFailsOnce() {
      ProviderUnavailableException reload = new ProviderUnavailableException("caddy reload failed");
      ingress.failNext("apply", reload);
      List<RouteChange> batch = List.of(RouteChange.upsert(ORG));
      assertThatThrownBy(() -> ingress.apply(batch)).isSameAs(reload);
      assertThat(ingress.routes()).isEmpty();
      ingress.apply(batch);
      assertThat(ingress.routes()).containsExactly(ORG);
    }

    @Test
    void unknownOperationIsRefused() {
      assertThatThrownBy(() -> ingress.failNext("resolve", new ConflictException("x")))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apply");
    }

    @Test
    void nullChangeInABatchIsRefusedBeforeAnything() {
      List<RouteChange> batch = Arrays.asList(RouteChange.upsert(ORG), null);
      assertThatThrownBy(() -> ingress.apply(batch)).isInstanceOf(NullPointerException.class);
      assertThat(ingress.routes()).isEmpty();
      assertThat(ingress.resolve(HOST, "/")).isEqualTo(Optional.empty());
    }
  }
}
