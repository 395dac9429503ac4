package run.getbot.isolation.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.ComposeProject;
import run.getbot.isolation.ImageTarball;
import run.getbot.isolation.ProviderUnavailableException;

class BusyboxWorkloadTest {

  @TempDir
  Path dir;

  /** GNU tar, which we did not write, reading our archive. */
  private static String tar(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("tar"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0).as("tar " + String.join(" ", args) + ": " + out)
        .isTrue();
    return out;
  }

  @Test
  void theRootfsIsATarOfTheStaticBusyboxWithItsAppletsAndThePage() throws Exception {
    assumeTrue(Files.isRegularFile(BusyboxWorkload.HOST_BUSYBOX), "needs busybox-static");

    Path rootfs = BusyboxWorkload.rootfs(BusyboxWorkload.HOST_BUSYBOX, dir);

    String listing = tar("-tvf", rootfs.toString());
    long size = Files.size(BusyboxWorkload.HOST_BUSYBOX);
    assertThat(listing.lines())
        .anyMatch(l -> l.matches("-rwxr-xr-x root/root +" + size + " 2024-06-1\\d .* bin/busybox"))
        .anyMatch(l -> l.matches("lrwxrwxrwx root/root +0 .* bin/sh -> busybox"))
        .anyMatch(l -> l.matches("lrwxrwxrwx root/root +0 .* bin/httpd -> busybox"))
        .anyMatch(l -> l.matches("lrwxrwxrwx root/root +0 .* bin/wget -> busybox"))
        .anyMatch(l -> l.matches("drwxrwxrwt root/root +0 .* tmp/"))
        .noneMatch(l -> l.endsWith("bin/busybox -> busybox"));
    assertThat(tar("-xOf", rootfs.toString(), "www/index.html")).isEqualTo(BusyboxWorkload.PAGE + "\n");
    assertThat(tar("-xOf", rootfs.toString(), "etc/passwd")).startsWith("root:x:0:0:");
    assertThat(BusyboxWorkload.rootfs(BusyboxWorkload.HOST_BUSYBOX, Files.createDirectory(dir.resolve("again"))))
        .as("same busybox, same bytes").hasSameBinaryContentAs(rootfs);
  }

  @Test
  void aDynamicallyLinkedOrMissingBusyboxIsRefusedWithTheFix() {
    assumeTrue(Files.isRegularFile(Path.of("/bin/ls")));
    assertThatExceptionOfType(ProviderUnavailableException.class)
        .isThrownBy(() -> BusyboxWorkload.rootfs(Path.of("/bin/ls"), dir))
        .withMessage("/bin/ls is dynamically linked; a scratch image needs a static busybox (install busybox-static)");
    assertThatExceptionOfType(ProviderUnavailableException.class)
        .isThrownBy(() -> BusyboxWorkload.rootfs(dir.resolve("nothing"), dir))
        .withMessageContaining("no busybox at ");
  }

  @Test
  void theProjectServesTheTeamsPortWithAHealthCheckUnderInit() {
    Path rootfs = dir.resolve("rootfs.tar");

    ComposeProject p = BusyboxWorkload.project("sales", 3000, rootfs, Map.of("AGENT_TOKEN", "s3cret"));

    assertThat(p.team()).isEqualTo("sales");
    assertThat(p.images()).containsExactly(ImageTarball.rootfs(rootfs, "getbot/busybox:1"));
    assertThat(p.environment()).containsExactly(Map.entry("AGENT_TOKEN", "s3cret"));
    assertThat(p.composeFile())
        .contains("    image: getbot/busybox:1\n")
        .contains("    command: [\"httpd\", \"-f\", \"-p\", \"3000\", \"-h\", \"/www\"]\n")
        .contains("      - \"3000:3000\"\n")
        .contains("    init: true")
        .contains("    env_file: .env\n")
        .contains("\"http://127.0.0.1:3000/\"]\n");
    assertThat(BusyboxWorkload.status(p).argv()).last().isEqualTo("cd /srv/getbot/sales && docker-compose -p "
        + "getbot-sales ps");
  }
}
