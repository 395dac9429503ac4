package run.getbot.isolation.caddy.internal;

import java.io.IOException;
import java.nio.file.Path;
import okhttp3.OkHttpClient;
import org.newsclub.net.unix.AFSocketFactory;
import org.newsclub.net.unix.AFUNIXSocketAddress;
import run.getbot.isolation.InvalidSpecException;

/** junixsocket glue, in its own class so the library loads only when a unix socket is used. */
final class UnixSockets {

  private UnixSockets() {}

  static void configure(OkHttpClient.Builder builder, Path socket) {
    AFUNIXSocketAddress address;
    try {
      address = AFUNIXSocketAddress.of(socket);
    } catch (IOException e) {
      throw new InvalidSpecException("Caddy admin socket '" + socket + "' cannot be used: " + e.getMessage());
    }
    builder.socketFactory(new AFSocketFactory.FixedAddressSocketFactory(address));
  }
}
