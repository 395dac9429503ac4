package run.getbot.isolation.benchmarks;

import java.nio.file.Path;

/**
 * Entry point of the benchmark harness; {@code scripts/benchmarks.sh} runs each phase in its own JVM:
 * {@code setup}, {@code p1}, {@code p2}, {@code p3}, {@code p5}, {@code report}, {@code cleanup} (P4 is a JMH
 * benchmark, {@link P4InMemoryBenchmark}). System properties: {@code gbb.run} (the run id, 4 characters of a-z0-9),
 * {@code gbb.results} (the results directory), {@code gbb.image} (the busybox test image tarball).
 */
public final class Bench {

  private Bench() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: Bench setup|p1|p2|p3|p5|first-call|report|cleanup");
      System.exit(2);
    }
    String run = System.getProperty("gbb.run", "");
    switch (args[0]) {
      case "setup" -> IncusFixture.setup(requireRun(run), Path.of(System.getProperty("gbb.image",
          "/var/cache/getbot-isolation/getbot-busybox.tar.gz")));
      case "cleanup" -> IncusFixture.cleanup(requireRun(run));
      case "machine" -> Machine.record();
      case "p1" -> P1FindOverhead.run();
      case "p2" -> P2Provisioning.run();
      case "p3" -> P3Caddy.run();
      case "p5" -> P5Footprint.run();
      case "first-call" -> FirstCall.main(java.util.Arrays.copyOfRange(args, 1, args.length));
      case "report" -> Report.write(Path.of(args.length > 1 ? args[1] : "docs/BENCHMARKS.md"));
      default -> {
        System.err.println("unknown phase " + args[0]);
        System.exit(2);
      }
    }
    System.exit(0);
  }

  private static String requireRun(String run) {
    if (!run.matches("[a-z0-9]{4}")) {
      throw new IllegalArgumentException("-Dgbb.run must be 4 characters of a-z0-9, got '" + run + "'");
    }
    return run;
  }
}
