/**
 * Testing support for code that uses getbot-isolation: in-memory fakes of the provider and the ingress
 * ({@link run.getbot.isolation.testkit.InMemoryIsolationProvider}, {@link run.getbot.isolation.testkit.InMemoryIngress}),
 * the contract suites every implementation passes ({@link run.getbot.isolation.testkit.IsolationProviderContract},
 * {@link run.getbot.isolation.testkit.IngressContract}), the JUnit 5 extension
 * {@link run.getbot.isolation.testkit.FakeIsolation} and AssertJ assertions
 * ({@link run.getbot.isolation.testkit.IsolationAssertions}).
 *
 * <p>The fakes need only the API module at runtime; the suites, the extension and the assertions need JUnit 5 and
 * AssertJ, which are optional dependencies of this module.
 */
package run.getbot.isolation.testkit;
