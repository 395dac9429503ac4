package run.getbot.isolation.incus.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.LongConsumer;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import okio.BufferedSink;

/** A request body streamed from a file, reporting the bytes written so far. Internal. */
final class FileBody extends RequestBody {

  private static final MediaType OCTET_STREAM = MediaType.get("application/octet-stream");

  private final Path file;
  private final long length;
  private final LongConsumer written;

  /**
   * @param written called with the running byte count after each chunk (on the uploading thread)
   */
  FileBody(Path file, LongConsumer written) throws IOException {
    this.file = file;
    this.length = Files.size(file);
    this.written = written;
  }

  @Override
  public MediaType contentType() {
    return OCTET_STREAM;
  }

  @Override
  public long contentLength() {
    return length;
  }

  @Override
  public void writeTo(BufferedSink sink) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long total = 0;
    try (InputStream in = Files.newInputStream(file)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        sink.write(buffer, 0, n);
        total += n;
        written.accept(total);
      }
    }
  }
}
