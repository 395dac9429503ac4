package run.getbot.isolation.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.PoolSpec;

/**
 * Gives a JUnit 5 test class in-memory fakes. Fields of type {@link InMemoryIsolationProvider} or
 * {@link run.getbot.isolation.IsolationProvider}, and of type {@link InMemoryIngress} or
 * {@link run.getbot.isolation.Ingress}, are set by {@link FakeIsolationExtension}: static fields once for the class,
 * instance fields with fresh fakes before each test. Test and lifecycle method parameters of those types get the same
 * fakes as the instance fields (in {@code @BeforeAll}/{@code @AfterAll}: the static ones).
 *
 * <pre>{@code
 * @FakeIsolation
 * class DeployTest {
 *   InMemoryIsolationProvider provider;
 *   InMemoryIngress ingress;
 *
 *   @Test
 *   void deploys() {
 *     provider.provision(OrgSpec.of(OrgName.of("acme"), ImageRef.alias("getbot")));
 *   }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(FakeIsolationExtension.class)
public @interface FakeIsolation {

  /** Whether each new provider already has {@link BridgeSpec#DEFAULT} and {@link PoolSpec#DEFAULT}. */
  boolean ensureDefaults() default true;
}
