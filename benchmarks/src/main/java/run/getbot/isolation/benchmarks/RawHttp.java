package run.getbot.isolation.benchmarks;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The smallest HTTP/1.1 client that is still correct for these daemons: writes a prepared request, reads the status
 * line and headers, then the body by {@code Content-Length} or chunked encoding (Incus and Caddy use both), into a
 * reused buffer. No parsing of the body, no allocation per call beyond header lines. One connection, kept alive.
 */
final class RawHttp implements AutoCloseable {

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;
  private byte[] body = new byte[64 * 1024];
  private int bodyLength;
  private boolean closeAfter;
  private String etag;
  private final StringBuilder line = new StringBuilder(128);

  RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  /** A GET request with the given Host header, as bytes. */
  static byte[] get(String path, String host) {
    return ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: raw\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** A request with a JSON body, as bytes. */
  static byte[] withJson(String method, String path, String host, byte[] json, boolean close) {
    return withJson(method, path, host, json, close, null);
  }

  /** A request with a JSON body and, when {@code ifMatch} is not null, an {@code If-Match} header, as bytes. */
  static byte[] withJson(String method, String path, String host, byte[] json, boolean close, String ifMatch) {
    byte[] head = (method + " " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: raw\r\nAccept: */*\r\n"
        + "Content-Type: application/json\r\nContent-Length: " + json.length + "\r\n"
        + (ifMatch != null ? "If-Match: " + ifMatch + "\r\n" : "")
        + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII);
    byte[] all = Arrays.copyOf(head, head.length + json.length);
    System.arraycopy(json, 0, all, head.length, json.length);
    return all;
  }

  /** Sends {@code request} and reads the whole response; returns the status code. */
  int exchange(byte[] request) throws IOException {
    out.write(request);
    out.flush();
    String status = readLine();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long contentLength = -1;
    boolean chunked = false;
    closeAfter = false;
    etag = null;
    for (String h = readLine(); !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      if (colon <= 0) {
        continue;
      }
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) {
        contentLength = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      } else if (name.equalsIgnoreCase("Connection")) {
        closeAfter = value.equalsIgnoreCase("close");
      } else if (name.equalsIgnoreCase("ETag")) {
        etag = value;
      }
    }
    bodyLength = 0;
    if (chunked) {
      while (true) {
        String size = readLine();
        int semi = size.indexOf(';');
        int n = Integer.parseInt((semi >= 0 ? size.substring(0, semi) : size).trim(), 16);
        if (n == 0) {
          for (String t = readLine(); !t.isEmpty(); t = readLine()) {
            // trailers: Caddy 2.6 sends its ETag here
            if (t.regionMatches(true, 0, "ETag:", 0, 5)) {
              etag = t.substring(5).trim();
            }
          }
          break;
        }
        readBody(n);
        readLine();
      }
    } else if (contentLength >= 0) {
      readBody((int) contentLength);
    } else {
      byte[] chunk = new byte[8192];
      for (int n = in.read(chunk); n > 0; n = in.read(chunk)) {
        ensure(n);
        System.arraycopy(chunk, 0, body, bodyLength, n);
        bodyLength += n;
      }
      closeAfter = true;
    }
    return code;
  }

  /** The ETag of the last response (header or trailer), or null. */
  String etag() {
    return etag;
  }

  /** Length of the last response body. */
  int bodyLength() {
    return bodyLength;
  }

  /** A copy of the last response body. */
  byte[] body() {
    return Arrays.copyOf(body, bodyLength);
  }

  /** True when the server said it closes the connection after this response. */
  boolean closing() {
    return closeAfter;
  }

  private void readBody(int n) throws IOException {
    ensure(n);
    int off = bodyLength;
    int left = n;
    while (left > 0) {
      int r = in.read(body, off, left);
      if (r < 0) {
        throw new EOFException("connection closed in the body");
      }
      off += r;
      left -= r;
    }
    bodyLength += n;
  }

  private void ensure(int more) {
    if (bodyLength + more > body.length) {
      body = Arrays.copyOf(body, Math.max(body.length * 2, bodyLength + more));
    }
  }

  private String readLine() throws IOException {
    line.setLength(0);
    while (true) {
      int c = in.read();
      if (c < 0) {
        throw new EOFException("connection closed");
      }
      if (c == '\n') {
        int len = line.length();
        if (len > 0 && line.charAt(len - 1) == '\r') {
          line.setLength(len - 1);
        }
        return line.toString();
      }
      line.append((char) c);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
