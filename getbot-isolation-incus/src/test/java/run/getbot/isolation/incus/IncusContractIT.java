package run.getbot.isolation.incus;

import org.junit.jupiter.api.AfterAll;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.IsolationProvider;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.testkit.IsolationProviderContract;

/**
 * The testkit's provider contract on the real Incus daemon: its own bridge ({@code gbt-…}, a free 10.198.x.0/24) and
 * pool, deleted afterwards. Unmanaged instances are created with the real {@code incus} CLI, in a pool of their own.
 */
@RealIncusTest
class IncusContractIT extends IsolationProviderContract {

  private static BridgeSpec bridge;
  private static PoolSpec pool;
  private static String foreignPool;

  @Override
  protected IsolationProvider createProvider() {
    return RealIncus.provider();
  }

  @Override
  protected ImageRef image() {
    return RealIncus.image();
  }

  @Override
  protected synchronized BridgeSpec bridge() {
    if (bridge == null) {
      bridge = RealIncus.freshBridge();
    }
    return bridge;
  }

  @Override
  protected synchronized PoolSpec pool() {
    if (pool == null) {
      pool = RealIncus.freshPool(bridge());
    }
    return pool;
  }

  @Override
  protected void createUnmanagedInstance(String name) {
    synchronized (IncusContractIT.class) {
      if (foreignPool == null) {
        foreignPool = bridge().name() + "-um";
        Cli.incus("storage", "create", foreignPool, "dir").requireOk("incus storage create");
      }
    }
    Cli.incus("create", "--empty", name, "--no-profiles", "-s", foreignPool).requireOk("incus create " + name);
  }

  @Override
  protected void deleteUnmanagedInstance(String name) {
    Cli.incus("delete", "--force", name).requireOk("incus delete " + name);
  }

  @AfterAll
  static void removeBridgeAndPools() {
    try (IncusIsolationProvider p = RealIncus.provider()) {
      if (bridge != null) {
        p.deleteBridge(bridge.name());
      }
      if (pool != null) {
        p.deletePool(pool.name());
      }
      if (foreignPool != null) {
        p.deletePool(foreignPool);
      }
    }
  }
}
