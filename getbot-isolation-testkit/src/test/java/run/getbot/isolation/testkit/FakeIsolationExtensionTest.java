package run.getbot.isolation.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.Ingress;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;

/** {@link FakeIsolation} injects static fields once, instance fields and parameters per test. */
@FakeIsolation
class FakeIsolationExtensionTest {

  private static InMemoryIsolationProvider sharedProvider;
  private static Ingress sharedIngress;
  private static final List<Object> perTestProviders = Collections.synchronizedList(new ArrayList<>());

  private InMemoryIsolationProvider provider;
  private IsolationProvider providerByInterface;
  private InMemoryIngress ingress;
  private Ingress ingressByInterface;

  @BeforeAll
  static void staticFieldsAreSetBeforeAll(InMemoryIsolationProvider classProvider) {
    assertThat(sharedProvider).isNotNull().isSameAs(classProvider);
    assertThat(sharedIngress).isNotNull();
  }

  @BeforeEach
  void parametersOfBeforeEachAreTheTestsFakes(IsolationProvider p) {
    assertThat(p).isSameAs(provider);
    perTestProviders.add(provider);
  }

  @AfterAll
  static void everyTestHadItsOwnProvider() {
    assertThat(perTestProviders).hasSizeGreaterThanOrEqualTo(4).doesNotHaveDuplicates()
        .doesNotContain(sharedProvider);
  }

  @Test
  void instanceFieldsShareOneProviderAndOneIngress() {
    assertThat(provider).isNotNull().isSameAs(providerByInterface).isNotSameAs(sharedProvider);
    assertThat(ingress).isNotNull().isSameAs(ingressByInterface).isNotSameAs(sharedIngress);
  }

  @Test
  void parametersAreTheInstanceFieldFakes(InMemoryIsolationProvider p, Ingress i, InMemoryIngress i2) {
    assertThat(p).isSameAs(provider);
    assertThat(i).isSameAs(ingress).isSameAs(i2);
  }

  @Test
  void defaultBridgeAndPoolAreEnsured() {
    assertThat(provider.ensureBridge(BridgeSpec.DEFAULT)).isEqualTo(Change.UNCHANGED);
    assertThat(provider.ensurePool(PoolSpec.DEFAULT)).isEqualTo(Change.UNCHANGED);
    assertThat(sharedProvider.ensureBridge(BridgeSpec.DEFAULT)).isEqualTo(Change.UNCHANGED);
  }

  @Test
  void freshProviderHasNoOrgsFromOtherTests() {
    assertThat(provider.list()).isEmpty();
    provider.provision(OrgSpec.of(OrgName.of("acme"), ImageRef.alias("busybox")));
  }

  @Test
  void anotherFreshProviderHasNoOrgsFromOtherTests() {
    assertThat(provider.list()).isEmpty();
    provider.provision(OrgSpec.of(OrgName.of("acme"), ImageRef.alias("busybox")));
  }

  @Nested
  class NestedTests {

    private InMemoryIngress nestedIngress;

    @Test
    void nestedAndOuterFieldsGetTheSameFakes() {
      assertThat(nestedIngress).isNotNull().isSameAs(ingress);
      assertThat(provider).isNotNull();
    }
  }

  @Nested
  @FakeIsolation(ensureDefaults = false)
  class WithoutDefaults {

    @Test
    void nothingIsEnsured(IsolationProvider p) {
      assertThat(p.deleteBridge(BridgeSpec.DEFAULT.name())).isFalse();
      assertThat(p.deletePool(PoolSpec.DEFAULT.name())).isFalse();
      assertThatThrownBy(
          () -> p.provision(OrgSpec.of(OrgName.of("acme"), ImageRef.alias("busybox"))))
          .isInstanceOf(NotFoundException.class).hasMessageContaining("ensureBridge");
    }
  }
}
