package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.testkit.InMemoryIsolationProvider;

class LifecycleDemoTest {

  @Test
  void runsTheWholeLifecycleAndLeavesNothing() {
    InMemoryIsolationProvider provider = InMemoryIsolationProvider.create();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    new LifecycleDemo(provider, new PrintStream(bytes, true, StandardCharsets.UTF_8))
        .run("alice@acme.com", ImageRef.alias("getbot-busybox"));

    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out)
        .contains("alice@acme.com belongs to org 'acme'")
        .contains("| acme | RUNNING | 10.199.0.100 (eth0) | CONTAINER | 0         |")
        .contains("welcome to acme")
        .contains("orgs left: 0");
    assertThat(provider.list()).isEmpty();
  }
}
