package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;

/** The machine a run measures, and how busy it was before the run started (other work on the same 2 cores). */
final class Machine {

  private Machine() {}

  static void record() throws Exception {
    ObjectNode m = Results.object();
    m.put("date_utc", ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")));
    m.put("cpu", lscpu("Model name"));
    m.put("hypervisor", lscpu("Hypervisor vendor"));
    m.put("cores", Runtime.getRuntime().availableProcessors());
    long kb = 0;
    for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
      if (line.startsWith("MemTotal:")) {
        kb = Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    m.put("ram_gib", Math.round(kb / 1024.0 / 1024.0 * 10) / 10.0);
    m.put("kernel", Cli.outputOr("?", "uname", "-r"));
    m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
        + System.getProperty("java.vm.vendor") + ")");
    m.put("incus", Cli.outputOr("?", "incus", "version").replace('\n', ',').replaceAll("\\s+", " "));
    m.put("caddy", Cli.outputOr("?", "caddy", "version"));
    m.put("busy_cores_before", CpuMeter.sampleBusyCores(3000));
    m.put("loadavg_before", Files.readString(Path.of("/proc/loadavg")).trim());
    Results.write("machine", m);
    Results.log("machine: %s", m.toString());
  }

  private static String lscpu(String field) {
    for (String line : Cli.outputOr("", "lscpu").split("\n")) {
      if (line.startsWith(field + ":")) {
        return line.substring(field.length() + 1).trim();
      }
    }
    return "?";
  }
}
