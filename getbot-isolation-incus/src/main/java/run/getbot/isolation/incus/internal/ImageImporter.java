package run.getbot.isolation.incus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;
import okhttp3.MultipartBody;
import okhttp3.RequestBody;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.ProgressEvent;
import run.getbot.isolation.ProgressListener;

/**
 * Imports image tarballs from local files: a unified tarball as the raw body, or a split image (metadata + rootfs) as
 * {@code multipart/form-data}, then attaches an alias. The fingerprint is computed locally first (Incus' fingerprint
 * is the SHA-256 of the unified file, or of metadata followed by rootfs), so an image already present is not uploaded
 * again. First-time imports are serialized per daemon (concurrent uploads of one image race in Incus). Internal.
 */
public final class ImageImporter {

  private static final ConcurrentHashMap<String, ReentrantLock> LOCKS = new ConcurrentHashMap<>();

  private final IncusTransport transport;
  private final Images images;
  private final Duration timeout;

  /**
   * The outcome of an import.
   *
   * @param fingerprint the image's full fingerprint
   * @param uploaded false when the image was already there
   */
  public record Outcome(String fingerprint, boolean uploaded) {}

  /** An importer over {@code transport}; each upload may take up to {@code timeout}. */
  public ImageImporter(IncusTransport transport, Images images, Duration timeout) {
    this.transport = transport;
    this.images = images;
    this.timeout = timeout;
  }

  /** Imports a unified tarball ({@code metadata.yaml} and {@code rootfs/} in one file). */
  public Outcome importUnified(Path tarball, String alias, ProgressListener progress) {
    checkInput(alias, tarball);
    String fingerprint = sha256(progress, tarball);
    return importImage(fingerprint, alias, progress, written -> {
      try {
        return new FileBody(tarball, written);
      } catch (IOException e) {
        throw unreadable(tarball, e);
      }
    }, size(tarball), tarball.getFileName().toString());
  }

  /** Imports a split image: a metadata tarball and a rootfs tarball (or squashfs). */
  public Outcome importSplit(Path metadata, Path rootfs, String alias, ProgressListener progress) {
    checkInput(alias, metadata, rootfs);
    String fingerprint = sha256(progress, metadata, rootfs);
    return importImage(fingerprint, alias, progress, written -> {
      try {
        long metaSize = size(metadata);
        return new MultipartBody.Builder().setType(MultipartBody.FORM)
            .addFormDataPart("metadata", metadata.getFileName().toString(), new FileBody(metadata, written))
            .addFormDataPart("rootfs", rootfs.getFileName().toString(),
                new FileBody(rootfs, n -> written.accept(metaSize + n)))
            .build();
      } catch (IOException e) {
        throw unreadable(metadata, e);
      }
    }, size(metadata) + size(rootfs), metadata.getFileName().toString());
  }

  private interface BodyFactory {
    RequestBody create(LongConsumer written);
  }

  private Outcome importImage(String localFingerprint, String alias, ProgressListener progress, BodyFactory bodies,
                              long totalBytes, String filename) {
    ReentrantLock lock = LOCKS.computeIfAbsent(transport.socket() + "|" + transport.project(),
        k -> new ReentrantLock());
    lock.lock();
    try {
      final String fp = localFingerprint;
      String fingerprint = localFingerprint;
      boolean uploaded = false;
      if (images.image(fingerprint).isEmpty()) {
        progress.onProgress(ProgressEvent.of("image-upload", "uploading image " + short12(fingerprint), 0));
        int[] lastPercent = {0};
        RequestBody body = bodies.create(written -> {
          int percent = totalBytes <= 0 ? 100 : (int) Math.min(100, written * 100 / totalBytes);
          if (percent >= lastPercent[0] + 5 || percent == 100 && lastPercent[0] < 100) {
            lastPercent[0] = percent;
            progress.onProgress(ProgressEvent.of("image-upload", "uploading image " + short12(fp), percent));
          }
        });
        String doing = "importing image " + short12(fingerprint);
        Operation op = images.upload(doing, body, Map.of("X-Incus-filename", filename), timeout,
            o -> Operations.progressOf(o).ifPresent(p -> progress.onProgress(new ProgressEvent("image-import",
                p.message(), p.percent()))));
        if (op.succeeded()) {
          uploaded = true;
          String reported = Json.text(op.metadata(), "fingerprint");
          if (!reported.isEmpty() && !reported.equals(fingerprint)) {
            fingerprint = reported;
          }
        } else if (!op.failureMessage().toLowerCase(Locale.ROOT).contains("already exists")) {
          throw new OperationFailedException(doing, op.failureMessage());
        }
        progress.onProgress(ProgressEvent.of("image-import", "image " + short12(fingerprint) + " imported", 100));
      } else {
        progress.onProgress(ProgressEvent.of("image-import", "image " + short12(fingerprint) + " already present"));
      }
      ensureAlias(alias, fingerprint);
      progress.onProgress(ProgressEvent.of("image-alias", "alias " + alias + " → " + short12(fingerprint)));
      return new Outcome(fingerprint, uploaded);
    } finally {
      lock.unlock();
    }
  }

  private void ensureAlias(String alias, String fingerprint) {
    for (int attempt = 0; attempt < 3; attempt++) {
      var target = images.aliasTarget(alias);
      if (target.isPresent()) {
        if (target.get().equals(fingerprint)) {
          return;
        }
        throw new ConflictException("image alias '" + alias + "' already points at image " + target.get()
            + ", not at " + fingerprint + "; it is not moved. Use another alias or delete the old one");
      }
      try {
        images.createAlias(alias, fingerprint, "getbot image");
        return;
      } catch (ConflictException raced) {
        // created concurrently: read it again
      }
    }
  }

  private static void checkInput(String alias, Path... files) {
    ImageRef.alias(alias); // validates the alias
    for (Path f : files) {
      if (!Files.isRegularFile(f) || !Files.isReadable(f)) {
        throw new InvalidSpecException("image file " + f + " does not exist or is not a readable regular file");
      }
    }
  }

  private static long size(Path f) {
    try {
      return Files.size(f);
    } catch (IOException e) {
      throw unreadable(f, e);
    }
  }

  /** SHA-256 of the files' concatenation, lower-case hex. */
  static String sha256(ProgressListener progress, Path... files) {
    progress.onProgress(ProgressEvent.of("image-hash", "computing the image fingerprint"));
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      byte[] buffer = new byte[256 * 1024];
      for (Path f : files) {
        try (InputStream in = Files.newInputStream(f)) {
          int n;
          while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
          }
        } catch (IOException e) {
          throw unreadable(f, e);
        }
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static InvalidSpecException unreadable(Path f, IOException e) {
    return new InvalidSpecException("cannot read image file " + f + ": " + e.getMessage());
  }

  private static String short12(String fingerprint) {
    return fingerprint.length() > 12 ? fingerprint.substring(0, 12) : fingerprint;
  }
}
