package run.getbot.isolation.benchmarks;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.List;
import okhttp3.ConnectionSpec;
import okhttp3.OkHttpClient;
import org.newsclub.net.unix.AFUNIXSocket;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.incus.IncusIsolationProvider;

/**
 * P5, second half: runs in a fresh JVM started by {@link P5Footprint}, and prints one JSON line of timings. Arguments:
 * mode ({@code plain}: build the provider and call {@code find}; {@code native-first}: load junixsocket's native
 * library first, on its own), the org, the socket, and the parent's {@link System#nanoTime()} just before it started
 * this process (CLOCK_MONOTONIC, the same clock in both processes on Linux).
 */
final class FirstCall {

  private FirstCall() {}

  public static void main(String[] args) throws Exception {
    long tMain = System.nanoTime();
    String mode = args[0];
    if (mode.startsWith("okhttp-")) {
      okhttpOnly(mode, tMain);
      return;
    }
    OrgName org = OrgName.of(args[1]);
    Path socket = Path.of(args[2]);
    long spawned = Long.parseLong(args[3]);
    long nativeNanos = -1;
    if (mode.equals("native-first")) {
      long t = System.nanoTime();
      if (!AFUNIXSocket.isSupported()) {
        throw new IllegalStateException("junixsocket is not supported here");
      }
      nativeNanos = System.nanoTime() - t;
    }
    long t1 = System.nanoTime();
    IncusIsolationProvider incus = IncusIsolationProvider.builder().socket(socket).build();
    long t2 = System.nanoTime();
    OrgContainer first = incus.find(org).orElseThrow();
    long t3 = System.nanoTime();
    OrgContainer second = incus.find(org).orElseThrow();
    long t4 = System.nanoTime();
    incus.close();
    if (!first.name().equals(second.name())) {
      throw new IllegalStateException();
    }
    System.out.println("{\"mode\":\"" + mode + "\",\"spawn_to_main_ms\":" + Stats.ms(tMain - spawned)
        + ",\"native_load_ms\":" + (nativeNanos < 0 ? "null" : Stats.ms(nativeNanos))
        + ",\"build_ms\":" + Stats.ms(t2 - t1) + ",\"first_find_ms\":" + Stats.ms(t3 - t2)
        + ",\"second_find_ms\":" + Stats.ms(t4 - t3) + ",\"main_to_first_result_ms\":" + Stats.ms(t3 - tMain)
        + ",\"spawn_to_first_result_ms\":" + Stats.ms(t3 - spawned) + "}");
  }

  /**
   * What the SDK's one change to its OkHttp set-up is worth, measured on OkHttp alone in a fresh JVM: the time of
   * {@code build()} and the heap it leaves behind after GC, with OkHttp's default connection specs (TLS set up at
   * build, which parses the JDK's trust store) and with {@code ConnectionSpec.CLEARTEXT} only (what the Incus
   * transport uses).
   */
  private static void okhttpOnly(String mode, long tMain) throws Exception {
    long before = usedAfterGc();
    long t0 = System.nanoTime();
    OkHttpClient.Builder b = new OkHttpClient.Builder();
    if (mode.equals("okhttp-cleartext")) {
      b.connectionSpecs(List.of(ConnectionSpec.CLEARTEXT));
    }
    OkHttpClient client = b.build();
    long t1 = System.nanoTime();
    long after = usedAfterGc();
    java.lang.ref.Reference.reachabilityFence(client);
    System.out.println("{\"mode\":\"" + mode + "\",\"okhttp_build_ms\":" + Stats.ms(t1 - t0)
        + ",\"okhttp_retained_bytes\":" + (after - before) + "}");
  }

  private static long usedAfterGc() throws InterruptedException {
    long last = -1;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(30);
      long used = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < 4096) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
