package run.getbot.isolation.testkit;

import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.PoolSpec;

/** The in-memory provider, in strict image mode, passes the provider contract. */
class InMemoryIsolationProviderContractTest extends IsolationProviderContract {

  private InMemoryIsolationProvider fake;

  @Override
  protected IsolationProvider createProvider() {
    fake = InMemoryIsolationProvider.builder().images("getbot-busybox").build();
    return fake;
  }

  @Override
  protected ImageRef image() {
    return ImageRef.alias("getbot-busybox");
  }

  @Override
  protected BridgeSpec bridge() {
    return BridgeSpec.of("gbtest-br0", "10.198.0.0/24");
  }

  @Override
  protected PoolSpec pool() {
    return PoolSpec.dir("gbtest-pool");
  }

  @Override
  protected void createUnmanagedInstance(String name) {
    fake.addUnmanagedInstance(name);
  }

  @Override
  protected void deleteUnmanagedInstance(String name) {
    fake.removeUnmanagedInstance(name);
  }
}
