package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * CPU use over an interval from {@code /proc/stat} (the whole machine) and {@code /proc/PID/stat} of incusd (its own
 * time plus that of the children it waited for), in USER_HZ ticks. Tells how busy the cores were while a batch ran:
 * a daemon that already keeps both cores busy cannot go faster with more concurrent clients.
 */
final class CpuMeter {

  private static final double HZ = 100.0;
  private final long busy0;
  private final long total0;
  private final long daemon0;
  private final long t0;
  private final Optional<Long> daemonPid;

  private CpuMeter(Optional<Long> daemonPid) {
    this.daemonPid = daemonPid;
    long[] m = machine();
    busy0 = m[0];
    total0 = m[1];
    daemon0 = daemonPid.map(CpuMeter::processTicks).orElse(0L);
    t0 = System.nanoTime();
  }

  static CpuMeter start() {
    return new CpuMeter(incusd());
  }

  /** Average busy cores of the machine and of incusd since {@link #start()}. */
  ObjectNode stop(ObjectNode into) {
    long wall = System.nanoTime() - t0;
    long[] m = machine();
    double seconds = wall / 1e9;
    long busy = m[0] - busy0;
    long total = m[1] - total0;
    int cores = Runtime.getRuntime().availableProcessors();
    if (total > 0) {
      into.put("machine_busy_cores", round2((double) busy / total * cores));
    }
    daemonPid.ifPresent(pid -> into.put("incusd_busy_cores", round2((processTicks(pid) - daemon0) / HZ / seconds)));
    return into;
  }

  /** Machine-wide busy cores over {@code millis}, sampled now (for the "how loaded was the machine" line). */
  static double sampleBusyCores(long millis) throws InterruptedException {
    long[] a = machine();
    Thread.sleep(millis);
    long[] b = machine();
    return round2((double) (b[0] - a[0]) / Math.max(1, b[1] - a[1]) * Runtime.getRuntime().availableProcessors());
  }

  private static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long user = Long.parseLong(f[1]);
      long nice = Long.parseLong(f[2]);
      long system = Long.parseLong(f[3]);
      long idle = Long.parseLong(f[4]);
      long iowait = Long.parseLong(f[5]);
      long irq = Long.parseLong(f[6]);
      long softirq = Long.parseLong(f[7]);
      long steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
      long busy = user + nice + system + irq + softirq + steal;
      return new long[] {busy, busy + idle + iowait};
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
  }

  private static long processTicks(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      // fields after the name: state(3) ... utime(14) stime(15) cutime(16) cstime(17) → indexes 11..14 here
      return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  private static Optional<Long> incusd() {
    return ProcessHandle.allProcesses()
        .filter(p -> p.info().command().map(c -> c.endsWith("/incusd")).orElse(false))
        .map(ProcessHandle::pid).findFirst();
  }

  static double round2(double v) {
    return Math.round(v * 100) / 100.0;
  }
}
