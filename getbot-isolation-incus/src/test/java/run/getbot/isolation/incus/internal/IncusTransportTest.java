package run.getbot.isolation.incus.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.ProviderUnavailableException;

/** How transport failures become {@link ProviderUnavailableException}s that say what to do. */
class IncusTransportTest {

  @Test
  void permissionDeniedSuggestsTheIncusAdminGroup(@TempDir Path dir) throws IOException {
    Path socket = Files.createFile(dir.resolve("unix.socket"));
    IOException e = new SocketException("Permission denied");
    ProviderUnavailableException u = IncusTransport.unavailable("listing", socket, e, IncusTransport.messages(e)
        .toLowerCase(java.util.Locale.ROOT));
    assertThat(u).hasMessageContaining(socket.toString()).hasMessageContaining("incus-admin")
        .hasMessageContaining("INCUS_SOCKET").hasCause(e);
  }

  @Test
  void aMissingSocketSaysStartIncusd(@TempDir Path dir) {
    Path socket = dir.resolve("missing.socket");
    IOException e = new SocketException("No such file or directory");
    assertThat(IncusTransport.unavailable("listing", socket, e, "")).hasMessageContaining("does not exist")
        .hasMessageContaining("Start incusd");
  }

  @Test
  void projectIsAddedUnlessTheDaemonsUrlCarriesOne() {
    IncusTransport t = new IncusTransport(new okhttp3.OkHttpClient(), okhttp3.HttpUrl.get("http://incus.socket/"),
        Path.of("/x"), "team");
    assertThat(t.url("/1.0/instances?recursion=2").toString())
        .isEqualTo("http://incus.socket/1.0/instances?recursion=2&project=team");
    assertThat(t.url("/1.0/instances/a?project=other").queryParameter("project")).isEqualTo("other");
    assertThat(t.url("/1.0/instances?all-projects=true").queryParameter("project")).isNull();
    t.close();
  }
}
