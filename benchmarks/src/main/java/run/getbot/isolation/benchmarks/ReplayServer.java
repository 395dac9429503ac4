package run.getbot.isolation.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.newsclub.net.unix.AFUNIXServerSocket;
import org.newsclub.net.unix.AFUNIXSocket;
import org.newsclub.net.unix.AFUNIXSocketAddress;

/**
 * A unix-socket server in this JVM that answers every request with one fixed response (a capture of the daemon's):
 * a zero-cost daemon, to warm up the JIT of the client code and to measure the client's own CPU cost per call.
 * Keeps connections alive; one thread per connection.
 */
final class ReplayServer implements AutoCloseable {

  private final Path dir;
  private final Path socket;
  private final AFUNIXServerSocket server;

  ReplayServer(byte[] body, String etag) throws IOException {
    ByteArrayOutputStream r = new ByteArrayOutputStream();
    r.writeBytes(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nEtag: \"" + etag + "\"\r\n"
        + "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nTransfer-Encoding: chunked\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
    // Go's net/http flushes 4 KiB chunks, as incusd's answers show.
    for (int off = 0; off < body.length; off += 4096) {
      int len = Math.min(4096, body.length - off);
      r.writeBytes((Integer.toHexString(len) + "\r\n").getBytes(StandardCharsets.US_ASCII));
      r.write(body, off, len);
      r.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    r.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    byte[] response = r.toByteArray();
    dir = Files.createTempDirectory(Path.of("/tmp"), "gbb-replay-");
    socket = dir.resolve("replay.sock");
    server = AFUNIXServerSocket.bindOn(AFUNIXSocketAddress.of(socket));
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          AFUNIXSocket s = server.accept();
          Thread t = new Thread(() -> serve(s, response), "replay-conn");
          t.setDaemon(true);
          t.start();
        } catch (IOException closed) {
          return;
        }
      }
    }, "replay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  Path socket() {
    return socket;
  }

  private static void serve(AFUNIXSocket s, byte[] response) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        // skip one request head (GET, no body): up to the blank line
        int matched = 0;
        while (matched < 4) {
          int c = in.read();
          if (c < 0) {
            return;
          }
          if (c == '\r' && (matched == 0 || matched == 2) || c == '\n' && (matched == 1 || matched == 3)) {
            matched++;
          } else {
            matched = c == '\r' ? 1 : 0;
          }
        }
        out.write(response);
        out.flush();
      }
    } catch (IOException e) {
      // connection closed
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    Files.deleteIfExists(socket);
    Files.deleteIfExists(dir);
  }
}
