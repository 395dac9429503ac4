package run.getbot.isolation.incus.internal;

import java.util.Map;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;

/**
 * {@code /1.0/instances/{name}/files}: works on running and stopped containers. Uploads always carry
 * {@code Content-Type: application/octet-stream} (anything else lets the daemon's form parser swallow the body) and
 * an octal mode with a leading 0. Internal.
 */
public final class InstanceFiles {

  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  private final IncusTransport transport;

  /** Files over {@code transport}. */
  public InstanceFiles(IncusTransport transport) {
    this.transport = transport;
  }

  /** Writes (creates or overwrites) a regular file. */
  public void push(String instance, String path, byte[] content, FileAttributes attributes) {
    String doing = "writing " + path + " in " + instance;
    IncusResponse r = transport.exchange(doing, "POST", url(instance, path), RequestBody.create(content, OCTET_STREAM),
        Map.of("X-Incus-uid", Integer.toString(attributes.uid()),
            "X-Incus-gid", Integer.toString(attributes.gid()),
            "X-Incus-mode", attributes.modeOctal(),
            "X-Incus-type", "file",
            "X-Incus-write", "overwrite"));
    if (r.isError()) {
      // The daemon reports a directory in the way as a 500 from its SFTP layer: "sftp: open /tmp: is a directory".
      if (r.error().contains("is a directory") || r.error().contains("not a directory")) {
        throw new ConflictException(doing + ": " + r.error());
      }
      throw IncusErrors.toException(doing, r);
    }
  }

  /** Reads a regular file. */
  public FileContent pull(String instance, String path) {
    String doing = "reading " + path + " in " + instance;
    IncusTransport.Raw raw = transport.getRaw(doing, url(instance, path));
    String type = raw.headers().get("X-Incus-Type");
    if (type != null && !type.equals("file")) {
      throw new ConflictException(path + " in " + instance + " is a " + type + ", not a regular file");
    }
    int uid = parse(raw.headers().get("X-Incus-Uid"), 10);
    int gid = parse(raw.headers().get("X-Incus-Gid"), 10);
    int mode = parse(raw.headers().get("X-Incus-Mode"), 8) & 07777;
    return new FileContent(raw.body(), FileAttributes.of(uid, gid, mode));
  }

  private static int parse(String value, int radix) {
    if (value == null || value.isBlank()) {
      return 0;
    }
    try {
      return Integer.parseInt(value.trim(), radix);
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String url(String instance, String path) {
    return "/1.0/instances/" + instance + "/files?path=" + IncusTransport.enc(path);
  }
}
