package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A Docker image on the host's disk, to be loaded into an org container's Docker without any registry.
 *
 * @param file the tarball
 * @param importAs empty for a {@code docker save} archive ({@code docker load}); a reference such as
 *     {@code agent/busybox:1} for a plain root filesystem tarball ({@code docker import})
 */
public record ImageTarball(Path file, Optional<String> importAs) {

  /** Validates the reference. */
  public ImageTarball {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(importAs, "importAs");
    importAs.ifPresent(ref -> check(ref.matches("[a-z0-9][a-z0-9._/-]{0,127}(:[A-Za-z0-9_][A-Za-z0-9._-]{0,127})?"),
        "image reference " + quote(ref) + " must be a lower-case repository with an optional :tag"));
  }

  /** An archive written by {@code docker save}. */
  public static ImageTarball saved(Path file) {
    return new ImageTarball(file, Optional.empty());
  }

  /** A root filesystem tarball, imported as {@code reference}. */
  public static ImageTarball rootfs(Path file, String reference) {
    return new ImageTarball(file, Optional.of(reference));
  }
}
