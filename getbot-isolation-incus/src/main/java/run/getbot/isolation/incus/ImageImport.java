package run.getbot.isolation.incus;

import java.util.Objects;
import run.getbot.isolation.ImageRef;

/**
 * The result of {@link IncusIsolationProvider#importImage}: the image's fingerprint and the alias now pointing at it.
 *
 * @param fingerprint the image's full SHA-256 fingerprint, as Incus knows it
 * @param alias the local alias attached to it
 * @param uploaded true if the image was uploaded now, false if Incus already had it
 */
public record ImageImport(String fingerprint, String alias, boolean uploaded) {

  /** Checks presence. */
  public ImageImport {
    Objects.requireNonNull(fingerprint, "fingerprint");
    Objects.requireNonNull(alias, "alias");
  }

  /** The image as an {@link ImageRef} for {@link run.getbot.isolation.OrgSpec}: its alias. */
  public ImageRef image() {
    return ImageRef.alias(alias);
  }
}
