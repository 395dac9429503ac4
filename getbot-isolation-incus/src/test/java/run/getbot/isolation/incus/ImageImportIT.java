package run.getbot.isolation.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.PoolSpec;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ProgressListener;

/**
 * Image import from local files through the SDK: a unified tarball as the raw body and a split image as
 * multipart, with progress, fingerprints as Incus computes them, aliases, and re-imports that upload nothing.
 */
@RealIncusTest
class ImageImportIT {

  private static String sha256(Path... files) throws Exception {
    MessageDigest d = MessageDigest.getInstance("SHA-256");
    for (Path f : files) {
      try (InputStream in = Files.newInputStream(f)) {
        d.update(in.readAllBytes());
      }
    }
    return HexFormat.of().formatHex(d.digest());
  }

  private static void tar(Path dir, Path out, String... what) {
    List<String> cmd = new ArrayList<>(List.of("tar", "-C", dir.toString(), "--numeric-owner", "-czf",
        out.toString()));
    cmd.addAll(List.of(what));
    Cli.run(cmd).requireOk("tar");
  }

  @Test
  void unifiedAndSplitImagesImportWithProgressAndAliases(@TempDir Path dir) throws Exception {
    Path source = RealIncus.testImageFile();
    Path tree = Files.createDirectory(dir.resolve("tree"));
    Cli.run(List.of("tar", "-C", tree.toString(), "-xzf", source.toString())).requireOk("untar");
    // A unified tarball with new bytes (a new fingerprint), and the same content split in two.
    Files.writeString(tree.resolve("rootfs/www/stamp.txt"), "run " + System.nanoTime() + "\n");
    Path unified = dir.resolve("unified.tar.gz");
    tar(tree, unified, "metadata.yaml", "rootfs");
    Path meta = dir.resolve("meta.tar.gz");
    tar(tree, meta, "metadata.yaml");
    Path rootfs = dir.resolve("rootfs.tar.gz");
    tar(tree.resolve("rootfs"), rootfs, ".");

    String suffix = Long.toString(ThreadLocalRandom.current().nextLong(1L << 30), 36);
    String unifiedAlias = "gbt-unified-" + suffix;
    String splitAlias = "gbt-split-" + suffix;
    List<String> fingerprints = new ArrayList<>();
    try (IncusIsolationProvider incus = RealIncus.provider()) {
      List<ProgressEvent> events = Collections.synchronizedList(new ArrayList<>());
      ImageImport u = incus.importImage(unified, unifiedAlias, events::add);
      fingerprints.add(u.fingerprint());
      assertThat(u.uploaded()).isTrue();
      assertThat(u.fingerprint()).isEqualTo(sha256(unified));
      assertThat(events).extracting(ProgressEvent::step).contains("image-hash", "image-upload", "image-alias");
      assertThat(events).filteredOn(e -> e.step().equals("image-upload")).last()
          .satisfies(e -> assertThat(e.percent()).hasValue(100));
      assertThat(Cli.incus("image", "alias", "list", "-f", "csv").out()).contains(unifiedAlias + "," + u.fingerprint()
          .substring(0, 12));

      ImageImport s = incus.importImage(meta, rootfs, splitAlias, ProgressListener.NONE);
      fingerprints.add(s.fingerprint());
      assertThat(s.uploaded()).isTrue();
      assertThat(s.fingerprint()).isEqualTo(sha256(meta, rootfs)).isNotEqualTo(u.fingerprint());

      // again: nothing uploaded, the alias kept
      ImageImport again = incus.importImage(meta, rootfs, splitAlias, ProgressListener.NONE);
      assertThat(again).isEqualTo(new ImageImport(s.fingerprint(), splitAlias, false));
      // an alias is never moved to another image
      assertThatThrownBy(() -> incus.importImage(unified, splitAlias)).isInstanceOf(ConflictException.class)
          .hasMessageContaining(s.fingerprint());

      // a container from the split image, by fingerprint
      BridgeSpec bridge = RealIncus.freshBridge();
      PoolSpec pool = RealIncus.freshPool(bridge);
      incus.ensureBridge(bridge);
      incus.ensurePool(pool);
      OrgName org = OrgName.of("img-" + suffix);
      try {
        OrgContainer c = incus.provision(OrgSpec.builder(org, ImageRef.fingerprint(s.fingerprint())).bridge(bridge)
            .pool(pool).build());
        assertThat(c.state()).isEqualTo(OrgState.RUNNING);
        assertThat(incus.exec(org, ExecCommand.of("cat", "/www/stamp.txt")).stdout()).startsWith("run ");
      } finally {
        incus.delete(org);
        incus.deleteBridge(bridge.name());
        incus.deletePool(pool.name());
      }
    } finally {
      for (String fp : fingerprints) {
        Cli.incus("image", "delete", fp);
      }
      // the rootfs has absolute symlinks (to /bin/busybox): remove it here so JUnit does not warn about each one
      Cli.run(List.of("rm", "-rf", tree.toString()));
    }
  }

}
