package run.getbot.isolation.examples;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import run.getbot.isolation.ComposeProject;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ImageTarball;
import run.getbot.isolation.ProviderUnavailableException;

/**
 * A tiny bot built offline for Docker-in-Incus: a root filesystem tarball made on the host from a static busybox
 * (imported into the org's Docker as {@value #IMAGE}), and a Compose project whose service serves {@value #PAGE} with
 * busybox {@code httpd} on the team's port, under {@code init: true}, with a health check. No registry is involved.
 */
public final class BusyboxWorkload {

  /** The Docker image reference the rootfs is imported as. */
  public static final String IMAGE = "getbot/busybox:1";
  /** The page the service serves at {@code /}. */
  public static final String PAGE = "hello-from-docker-compose";
  /** What {@link #hello()} prints. */
  public static final String HELLO = "hello-from-docker";
  /** The host's static busybox (Debian's {@code busybox-static}). */
  public static final Path HOST_BUSYBOX = Path.of("/bin/busybox");

  private static final long MTIME = 1718000000L; // fixed: the same busybox gives the same tarball

  private BusyboxWorkload() {}

  /**
   * The team's project: service {@code web} from {@link #IMAGE} running {@code httpd} on {@code port} (published on
   * the org container's address), {@code environment} in its {@code .env} and passed to the service, and
   * {@code rootfs} (see {@link #rootfs}) loaded first.
   */
  public static ComposeProject project(String team, int port, Path rootfs, Map<String, String> environment) {
    String compose = String.join("\n",
        "version: \"2.4\"",
        "services:",
        "  web:",
        "    image: " + IMAGE,
        "    command: [\"httpd\", \"-f\", \"-p\", \"" + port + "\", \"-h\", \"/www\"]",
        "    ports:",
        "      - \"" + port + ":" + port + "\"",
        "    init: true           # docker-init as PID 1: httpd stops at once on SIGTERM",
        "    restart: unless-stopped",
        "    env_file: .env",
        "    healthcheck:",
        "      test: [\"CMD\", \"wget\", \"-q\", \"-O\", \"/dev/null\", \"http://127.0.0.1:" + port + "/\"]",
        "      interval: 1s",
        "      timeout: 2s",
        "      retries: 30",
        "");
    return ComposeProject.of(team, compose).withEnvironment(environment)
        .withImages(List.of(ImageTarball.rootfs(rootfs, IMAGE)));
  }

  /** {@code docker run --rm IMAGE echo hello-from-docker}, to run in the org container. */
  public static ExecCommand hello() {
    return ExecCommand.shell("docker run --rm " + IMAGE + " echo " + HELLO);
  }

  /** {@code docker-compose ps} of the team's project (Compose v1, as in the Docker image), in its directory. */
  public static ExecCommand status(ComposeProject project) {
    return ExecCommand.shell("cd " + project.directory() + " && docker-compose -p getbot-" + project.team() + " ps");
  }

  /**
   * Writes {@code dir/busybox-rootfs.tar}: {@code busybox} (statically linked) as {@code /bin/busybox}, a symlink
   * per applet it lists, {@code /etc/passwd} and {@code /etc/group}, and {@code /www/index.html} = {@value #PAGE}.
   *
   * @throws ProviderUnavailableException if {@code busybox} is missing or not a static busybox
   */
  public static Path rootfs(Path busybox, Path dir) throws IOException {
    byte[] binary = staticBusybox(busybox);
    Path tar = dir.resolve("busybox-rootfs.tar");
    try (OutputStream out = Files.newOutputStream(tar)) {
      for (String d : List.of("bin", "etc", "www", "tmp", "proc", "sys", "dev", "root")) {
        entry(out, d + "/", '5', d.equals("tmp") ? 01777 : 0755, new byte[0], "");
      }
      entry(out, "bin/busybox", '0', 0755, binary, "");
      for (String applet : applets(busybox)) {
        if (!applet.equals("busybox")) {
          entry(out, "bin/" + applet, '2', 0777, new byte[0], "busybox");
        }
      }
      entry(out, "etc/passwd", '0', 0644, utf8("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n"),
          "");
      entry(out, "etc/group", '0', 0644, utf8("root:x:0:\nnogroup:x:65534:\n"), "");
      entry(out, "www/index.html", '0', 0644, utf8(PAGE + "\n"), "");
      out.write(new byte[1024]); // end of archive
    }
    return tar;
  }

  /** The file's bytes, if it is a statically linked ELF executable (no program interpreter). */
  private static byte[] staticBusybox(Path busybox) throws IOException {
    String fix = " (install busybox-static)";
    if (!Files.isRegularFile(busybox)) {
      throw new ProviderUnavailableException("no busybox at " + busybox + fix);
    }
    try (FileChannel f = FileChannel.open(busybox)) {
      ByteBuffer header = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
      f.read(header, 0);
      if (header.getInt(0) != 0x464c457f || header.get(4) != 2) {
        throw new ProviderUnavailableException(busybox + " is not a 64-bit ELF executable" + fix);
      }
      long phoff = header.getLong(0x20);
      int size = header.getShort(0x36) & 0xffff;
      int count = header.getShort(0x38) & 0xffff;
      ByteBuffer type = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
      for (int i = 0; i < count; i++) {
        f.read(type.clear(), phoff + (long) i * size);
        if (type.getInt(0) == 3) { // PT_INTERP
          throw new ProviderUnavailableException(busybox + " is dynamically linked; a scratch image needs a static "
              + "busybox" + fix);
        }
      }
    }
    return Files.readAllBytes(busybox);
  }

  /** {@code busybox --list}: the applet names. */
  private static List<String> applets(Path busybox) throws IOException {
    Process p = new ProcessBuilder(busybox.toString(), "--list").redirectErrorStream(true).start();
    List<String> names = new ArrayList<>();
    new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
        .filter(name -> name.matches("[a-z0-9_.\\[-]+")).forEach(names::add);
    try {
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0 || names.isEmpty()) {
        p.destroyForcibly();
        throw new ProviderUnavailableException(busybox + " --list failed: is it busybox?");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while running " + busybox + " --list", e);
    }
    return names;
  }

  /** One ustar entry (owner root, fixed mtime), its content padded to 512 bytes. */
  private static void entry(OutputStream out, String name, char type, int mode, byte[] content, String link)
      throws IOException {
    byte[] h = new byte[512];
    put(h, 0, 100, name);
    put(h, 100, 8, octal(mode, 7));
    put(h, 108, 8, octal(0, 7));
    put(h, 116, 8, octal(0, 7));
    put(h, 124, 12, octal(content.length, 11));
    put(h, 136, 12, octal(MTIME, 11));
    h[156] = (byte) type;
    put(h, 157, 100, link);
    put(h, 257, 8, "ustar\0" + "00");
    put(h, 265, 32, "root");
    put(h, 297, 32, "root");
    put(h, 148, 8, "        ");
    long sum = 0;
    for (byte b : h) {
      sum += b & 0xff;
    }
    put(h, 148, 8, octal(sum, 6) + "\0 ");
    out.write(h);
    out.write(content);
    out.write(new byte[(512 - content.length % 512) % 512]);
  }

  private static String octal(long value, int digits) {
    String s = Long.toOctalString(value);
    return "0".repeat(digits - s.length()) + s;
  }

  private static void put(byte[] header, int offset, int length, String value) {
    byte[] bytes = value.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length > length) {
      throw new IllegalArgumentException("tar field too long: " + value);
    }
    System.arraycopy(bytes, 0, header, offset, bytes.length);
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
