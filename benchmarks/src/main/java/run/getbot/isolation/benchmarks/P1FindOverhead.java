package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Optional;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.incus.IncusIsolationProvider;
import run.getbot.isolation.incus.internal.Json;
import run.getbot.isolation.incus.internal.OrgMapping;

/**
 * P1: per-call overhead of {@code find(org)} against the same request sent by hand over the same unix socket.
 *
 * <p>{@code find(org)} sends exactly one request, {@code GET /1.0/instances/NAME?recursion=1&project=default} (the
 * instance with its state and snapshots), through OkHttp, parses it with Jackson and maps it to an
 * {@link OrgContainer}. The raw loop sends the same request line (same path, query and Host) on one kept-alive
 * junixsocket connection and reads the whole response (status, headers, chunked body) into a reused buffer; a third
 * loop adds Jackson and the SDK's mapping to the raw read. The loops alternate call by call, in rotating order, so
 * drift in the daemon and the machine hits all of them alike.
 *
 * <p>incusd takes about 9 ms per such call here, so the JIT is warmed up first against a {@link ReplayServer} that
 * answers with the daemon's captured response instantly (same classes and methods, another socket); that phase also
 * gives the client's own CPU cost per call. Then the real daemon is measured.
 */
final class P1FindOverhead {

  private static final int JIT_WARMUP = Integer.getInteger("gbb.p1.jit", 20_000);
  private static final int WARMUP = Integer.getInteger("gbb.p1.warmup", 150);
  private static final int ROUNDS = Integer.getInteger("gbb.p1.rounds", 600);

  private P1FindOverhead() {}

  interface Call {
    long run() throws Exception;
  }

  static void run() throws Exception {
    Env env = Env.load();
    String name = env.org("p", 1);
    OrgName org = OrgName.of(name);
    ObjectNode out = Results.object();
    try (IncusIsolationProvider incus = env.provider()) {
      OrgContainer c = incus.provision(env.spec(name));
      // Wait for the guest's address so that the state (and the response size) is steady while measuring.
      long deadline = System.nanoTime() + 20_000_000_000L;
      while (c.ipv4().isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(200);
        c = incus.find(org).orElseThrow();
      }
      Results.log("p1: %s %s at %s (live %s)", name, c.state(), c.address(),
          c.ipv4().map(Object::toString).orElse("-"));

      String path = "/1.0/instances/" + name + "?recursion=1&project=default";
      byte[] request = RawHttp.get(path, "incus.socket");
      try (RawHttp raw = new RawHttp(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(env.socket())))) {
        if (raw.exchange(request) != 200) {
          throw new IllegalStateException("raw GET " + path + " failed");
        }
        byte[] captured = raw.body();
        OrgContainer decoded = decode(captured);
        Optional<OrgContainer> viaSdk = incus.find(org);
        if (viaSdk.isEmpty() || !viaSdk.get().name().equals(decoded.name())) {
          throw new IllegalStateException("find and the raw call disagree: " + viaSdk + " vs " + decoded);
        }
        out.put("instance", name);
        out.put("request", "GET " + path);
        out.put("response_bytes", captured.length);

        // 1. JIT warm-up and client-only cost, against the replay of the captured answer.
        try (ReplayServer replay = new ReplayServer(captured, "0");
             IncusIsolationProvider onReplay = IncusIsolationProvider.builder().socket(replay.socket()).build();
             RawHttp rawReplay = new RawHttp(AFUNIXSocket.connectTo(AFUNIXSocketAddress.of(replay.socket())))) {
          long[][] t = measure(JIT_WARMUP, JIT_WARMUP / 2, find(onReplay, org), exchange(rawReplay, request),
              exchangeAndDecode(rawReplay, request));
          ObjectNode client = out.putObject("client_only");
          client.put("warmup_calls_per_loop", JIT_WARMUP);
          client.put("calls_per_loop", t[0].length);
          client.put("sdk_find_median_us", us(new Stats(t[0]).median()));
          client.put("raw_median_us", us(new Stats(t[1]).median()));
          client.put("raw_plus_decode_median_us", us(new Stats(t[2]).median()));
          client.put("sdk_minus_raw_us", us(new Stats(t[0]).median() - new Stats(t[1]).median()));
          Results.log("p1 client-only (replay): find %.1f us, raw %.1f us, raw+decode %.1f us",
              new Stats(t[0]).median() / 1e3, new Stats(t[1]).median() / 1e3, new Stats(t[2]).median() / 1e3);
        }

        // 2. The real daemon.
        long[][] t = measure(WARMUP, ROUNDS, find(incus, org), exchange(raw, request), exchangeAndDecode(raw, request));
        Stats s = new Stats(t[0]);
        Stats r = new Stats(t[1]);
        Stats rd = new Stats(t[2]);
        out.put("warmup_per_loop", WARMUP);
        s.toJsonMillis(out.putObject("sdk_find"));
        r.toJsonMillis(out.putObject("raw"));
        rd.toJsonMillis(out.putObject("raw_plus_decode"));
        out.put("ratio_median", round3(s.median() / r.median()));
        out.put("ratio_p90", round3((double) s.percentile(90) / r.percentile(90)));
        Results.log("p1: find median %.3f ms, raw %.3f ms, raw+decode %.3f ms -> %.3fx (%d bytes)",
            s.median() / 1e6, r.median() / 1e6, rd.median() / 1e6, s.median() / r.median(), captured.length);
      }
    } finally {
      try (IncusIsolationProvider incus = env.provider()) {
        incus.delete(org);
      }
    }
    Results.write("p1", out);
  }

  /** Runs the calls in turn, rotating the order each round; returns the timings of the measured rounds per call. */
  static long[][] measure(int warmup, int rounds, Call... calls) throws Exception {
    long[][] t = new long[calls.length][rounds];
    long sink = 0;
    for (int i = -warmup; i < rounds; i++) {
      for (int k = 0; k < calls.length; k++) {
        int w = Math.floorMod(i + k, calls.length);
        long t0 = System.nanoTime();
        sink += calls[w].run();
        long d = System.nanoTime() - t0;
        if (i >= 0) {
          t[w][i] = d;
        }
      }
    }
    if (sink == 42) {
      System.out.print("");
    }
    return t;
  }

  private static Call find(IncusIsolationProvider p, OrgName org) {
    return () -> p.find(org).orElseThrow().snapshotCount();
  }

  private static Call exchange(RawHttp raw, byte[] request) {
    return () -> {
      if (raw.exchange(request) != 200) {
        throw new IllegalStateException("raw call failed");
      }
      return raw.bodyLength();
    };
  }

  private static Call exchangeAndDecode(RawHttp raw, byte[] request) {
    return () -> {
      if (raw.exchange(request) != 200) {
        throw new IllegalStateException("raw call failed");
      }
      return decode(raw.body()).snapshotCount();
    };
  }

  private static OrgContainer decode(byte[] body) throws IOException {
    JsonNode envelope = Json.parse(body);
    return OrgMapping.toContainer(envelope.get("metadata"));
  }

  static double us(double nanos) {
    return Math.round(nanos / 100.0) / 10.0;
  }

  static double round3(double v) {
    return Math.round(v * 1000) / 1000.0;
  }
}
