package run.getbot.isolation.incus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static run.getbot.isolation.incus.FakeDaemon.async;
import static run.getbot.isolation.incus.FakeDaemon.body;
import static run.getbot.isolation.incus.FakeDaemon.created;
import static run.getbot.isolation.incus.FakeDaemon.error;
import static run.getbot.isolation.incus.FakeDaemon.instance;
import static run.getbot.isolation.incus.FakeDaemon.op;
import static run.getbot.isolation.incus.FakeDaemon.sync;
import static run.getbot.isolation.incus.FakeDaemon.syncWithEtag;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import mockwebserver3.MockResponse;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.Change;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OperationFailedException;
import run.getbot.isolation.OrgContainer;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.OrgState;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.ResourceLimits;
import run.getbot.isolation.MemorySize;
import run.getbot.isolation.incus.internal.Json;

/** Every HTTP path of the provider against a scripted daemon on a unix socket (MockWebServer). */
class IncusProviderMockTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final String INST = "/1.0/instances/acme";

  @TempDir
  Path dir;
  private FakeDaemon daemon;
  private IncusIsolationProvider incus;

  @BeforeEach
  void start() throws Exception {
    daemon = new FakeDaemon(dir);
    incus = daemon.provider();
  }

  @AfterEach
  void stop() {
    incus.close();
    daemon.close();
  }

  private static JsonNode json(RecordedRequest r) throws Exception {
    return Json.parse(body(r).getBytes(StandardCharsets.UTF_8));
  }

  // ------------------------------------------------------------------------------------------- reachability

  @Test
  void aMissingSocketIsProviderUnavailableNamingThePathAndTheRemedy() {
    Path missing = dir.resolve("nope.sock");
    try (IncusIsolationProvider p = IncusIsolationProvider.builder().socket(missing).build()) {
      assertThatThrownBy(p::list).isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining(missing.toString()).hasMessageContaining("does not exist")
          .hasMessageContaining("Start incusd").hasMessageContaining("INCUS_SOCKET");
    }
  }

  @Test
  void aStaleSocketIsProviderUnavailable() throws Exception {
    Path stale = dir.resolve("stale.sock");
    org.newsclub.net.unix.AFUNIXServerSocket s = org.newsclub.net.unix.AFUNIXServerSocket.newInstance();
    s.bind(org.newsclub.net.unix.AFUNIXSocketAddress.of(stale.toFile()));
    s.setDeleteOnClose(false);
    s.close();
    assertThat(stale).exists();
    try (IncusIsolationProvider p = IncusIsolationProvider.builder().socket(stale).build()) {
      assertThatThrownBy(p::list).isInstanceOf(ProviderUnavailableException.class)
          .hasMessageContaining(stale.toString()).hasMessageContaining("Start incusd");
    }
  }

  @Test
  void http403IsProviderUnavailable() {
    daemon.on("GET", "/1.0/instances", error(403, "not authorized"));
    assertThatThrownBy(incus::list).isInstanceOf(ProviderUnavailableException.class)
        .hasMessageContaining("not authorized").hasMessageContaining("incus-admin");
  }

  @Test
  void anUnknownProjectIsNotFoundBeforeAnythingElse() {
    daemon.on("GET", "/1.0/projects/nope", error(404, "Project not found"));
    try (IncusIsolationProvider p = IncusIsolationProvider.builder().socket(daemon.socket).project("nope").build()) {
      assertThatThrownBy(p::list).isInstanceOf(NotFoundException.class).hasMessageContaining("project 'nope'");
    }
    assertThat(daemon.requests("GET", "/1.0/instances")).isEmpty();
  }

  @Test
  void aKnownProjectIsSentOnEveryRequest() {
    daemon.on("GET", "/1.0/projects/team", sync("{\"name\":\"team\"}"));
    daemon.on("GET", "/1.0/instances", sync("[]"));
    try (IncusIsolationProvider p = IncusIsolationProvider.builder().socket(daemon.socket).project("team").build()) {
      assertThat(p.list()).isEmpty();
      assertThat(p.list()).isEmpty();
    }
    assertThat(daemon.requests("GET", "/1.0/projects/team")).hasSize(1);
    assertThat(daemon.requests("GET", "/1.0/instances")).allSatisfy(r -> {
      assertThat(r.getUrl().queryParameter("project")).isEqualTo("team");
      assertThat(r.getUrl().queryParameter("recursion")).isEqualTo("2");
    });
  }

  // ------------------------------------------------------------------------------------------------ 404

  @Test
  void http404IsEmptyForFindAndNotFoundForPerOrgCalls() {
    daemon.on("GET", INST, error(404, "Failed to fetch instance \"acme\" in project \"default\": Instance not found"));
    assertThat(incus.find(ACME)).isEmpty();
    assertThatThrownBy(() -> incus.start(ACME)).isInstanceOf(NotFoundException.class);
    assertThat(incus.delete(ACME)).isFalse();
  }

  @Test
  void aMissingFileIsNotFound() {
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")));
    daemon.on("GET", INST + "/files", error(404, "Not Found"));
    assertThatThrownBy(() -> incus.pullFile(ACME, "/tmp/x")).isInstanceOf(NotFoundException.class);
  }

  @Test
  void unmanagedInstancesAreInvisible() {
    daemon.on("GET", INST, sync(instance("acme", "Running", false, "")));
    daemon.on("GET", "/1.0/instances", sync("[" + instance("acme", "Running", false, "") + ","
        + instance("beta", "Stopped", true, "") + "]"));
    assertThat(incus.find(ACME)).isEmpty();
    assertThat(incus.list()).extracting(c -> c.name().value()).containsExactly("beta");
    assertThat(incus.delete(ACME)).isFalse();
    assertThatThrownBy(() -> incus.exec(ACME, ExecCommand.of("true"))).isInstanceOf(NotFoundException.class);
    assertThat(daemon.requests("DELETE", INST)).isEmpty();
  }

  // ------------------------------------------------------------------------------------------ 409, in use

  @Test
  void aBridgeCreatedConcurrentlyWithOtherSettingsIsAConflict() {
    daemon.on("GET", "/1.0/networks/getbot-br0", error(404, "Network not found"),
        sync(FakeDaemon.NETWORK.replace("10.199.0.1/24", "10.5.0.1/24")));
    daemon.on("POST", "/1.0/networks", error(409, "Network \"getbot-br0\" already exists"));
    assertThatThrownBy(() -> incus.ensureBridge(BridgeSpec.DEFAULT)).isInstanceOf(ConflictException.class)
        .hasMessageContaining("10.5.0.0/24").hasMessageContaining("10.199.0.0/24");
  }

  @Test
  void ensureBridgeCreatesWithIpv6OffOrAcceptsAnIdenticalOne() throws Exception {
    daemon.on("GET", "/1.0/networks/getbot-br0", error(404, "Network not found"), sync(FakeDaemon.NETWORK));
    daemon.on("POST", "/1.0/networks", created());
    assertThat(incus.ensureBridge(BridgeSpec.DEFAULT)).isEqualTo(Change.CREATED);
    JsonNode posted = json(daemon.requests("POST", "/1.0/networks").get(0));
    assertThat(posted.path("config").path("ipv4.address").asText()).isEqualTo("10.199.0.1/24");
    assertThat(posted.path("config").path("ipv4.nat").asText()).isEqualTo("true");
    assertThat(posted.path("config").path("ipv6.address").asText()).isEqualTo("none");
    assertThat(incus.ensureBridge(BridgeSpec.DEFAULT)).isEqualTo(Change.UNCHANGED);
    assertThat(daemon.requests("POST", "/1.0/networks")).hasSize(1);
  }

  private static final String VANISHED = "Failed to delete bridge children interfaces: Failed to run: ip -d -j link "
      + "show veth1234: exit status 1 (Device \"veth1234\" does not exist.)";

  @Test
  void aBridgeWhoseStartRacesWithAVanishingVethIsCreatedAgain() {
    daemon.on("GET", "/1.0/networks/getbot-br0", error(404, "Network not found"), sync(FakeDaemon.NETWORK),
        error(404, "Network not found"));
    daemon.on("POST", "/1.0/networks", error(500, VANISHED), error(500, VANISHED), created());
    daemon.on("DELETE", "/1.0/networks/getbot-br0", sync("{}"));

    assertThat(incus.ensureBridge(BridgeSpec.DEFAULT)).isEqualTo(Change.CREATED);

    assertThat(daemon.requests("POST", "/1.0/networks")).hasSize(3);
    assertThat(daemon.requests("DELETE", "/1.0/networks/getbot-br0")).as("what the first attempt left").hasSize(1);
  }

  @Test
  void theVanishingVethRaceIsRetriedFiveTimesAtMost() {
    daemon.on("GET", "/1.0/networks/getbot-br0", error(404, "Network not found"));
    daemon.on("POST", "/1.0/networks", error(500, VANISHED));

    assertThatThrownBy(() -> incus.ensureBridge(BridgeSpec.DEFAULT)).isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("creating network getbot-br0: Failed to delete bridge children interfaces");
    assertThat(daemon.requests("POST", "/1.0/networks")).hasSize(5);
    assertThat(daemon.requests("DELETE", "/1.0/networks/getbot-br0")).isEmpty();
  }

  @Test
  void aBridgeWhoseDeleteRacesWithAVanishingVethIsDeletedAgain() {
    daemon.on("DELETE", "/1.0/networks/getbot-br0", error(500, VANISHED), sync("{}"));

    assertThat(incus.deleteBridge("getbot-br0")).isTrue();

    assertThat(daemon.requests("DELETE", "/1.0/networks/getbot-br0")).hasSize(2);
  }

  @Test
  void anotherBridgeFailureIsNotRetried() {
    daemon.on("GET", "/1.0/networks/getbot-br0", error(404, "Network not found"));
    daemon.on("POST", "/1.0/networks", error(500, "Failed to delete bridge children interfaces: permission denied"));

    assertThatThrownBy(() -> incus.ensureBridge(BridgeSpec.DEFAULT)).isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("permission denied");
    assertThat(daemon.requests("POST", "/1.0/networks")).hasSize(1);
  }

  @Test
  void deletingABridgeOrPoolInUseIsAConflict() {
    daemon.on("DELETE", "/1.0/networks/getbot-br0", error(400, "The network is currently in use"));
    daemon.on("DELETE", "/1.0/storage-pools/getbot-pool", error(400, "The storage pool is currently in use"));
    assertThatThrownBy(() -> incus.deleteBridge("getbot-br0")).isInstanceOf(ConflictException.class)
        .hasMessageContaining("currently in use");
    assertThatThrownBy(() -> incus.deletePool("getbot-pool")).isInstanceOf(ConflictException.class);
  }

  @Test
  void aDirPoolAtIncusDefaultPlaceIsCreatedWithoutSource() throws Exception {
    daemon.on("GET", "/1.0/storage-pools/getbot-pool", error(404, "Storage pool not found"));
    daemon.on("POST", "/1.0/storage-pools", created());
    assertThat(incus.ensurePool(run.getbot.isolation.PoolSpec.DEFAULT)).isEqualTo(Change.CREATED);
    JsonNode posted = json(daemon.requests("POST", "/1.0/storage-pools").get(0));
    assertThat(posted.path("driver").asText()).isEqualTo("dir");
    assertThat(posted.path("config").has("source")).isFalse();
  }

  // -------------------------------------------------------------------------------------------- operations

  @Test
  void aFailedOperationCarriesTheDaemonsMessage() {
    daemon.on("GET", INST, sync(instance("acme", "Stopped", true, "")));
    daemon.on("PUT", INST + "/state", async("op1"));
    daemon.opFails("op1", "Failed to start device \"eth0\": boom");
    assertThatThrownBy(() -> incus.start(ACME)).isInstanceOfSatisfying(OperationFailedException.class,
        e -> assertThat(e.backendMessage()).isEqualTo("Failed to start device \"eth0\": boom"));
  }

  @Test
  void waitingLoopsWhileTheDaemonSaysItsDeadlineExpired() {
    daemon.on("GET", INST, sync(instance("acme", "Stopped", true, "")));
    daemon.on("DELETE", INST, async("op3"));
    daemon.on("GET", "/1.0/operations/op3/wait",
        error(500, "context deadline exceeded").newBuilder().code(200).build(), sync(op("op3", 200, "", "null")));
    daemon.on("GET", "/1.0/operations/op3", sync(op("op3", 103, "", "null")));
    assertThat(incus.delete(ACME)).isTrue();
    assertThat(daemon.requests("GET", "/1.0/operations/op3/wait")).hasSize(2)
        .allSatisfy(r -> assertThat(r.getUrl().queryParameter("timeout")).isNotNull());
    assertThat(daemon.requests("GET", "/1.0/operations/op3")).hasSize(1);
  }

  @Test
  void stopIsGracefulWithATimeoutThenForcedAndNeverSendsTimeoutZero() throws Exception {
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")), sync(instance("acme", "Stopped", true, "")));
    daemon.on("PUT", INST + "/state", async("op6"), async("op7"));
    daemon.opFails("op6", "Failed shutting down instance, status is \"Running\": context deadline exceeded");
    daemon.opSucceeds("op7", "null");
    assertThat(incus.stop(ACME).state()).isEqualTo(OrgState.STOPPED);
    List<RecordedRequest> puts = daemon.requests("PUT", INST + "/state");
    assertThat(puts).hasSize(2);
    JsonNode graceful = json(puts.get(0));
    assertThat(graceful.path("action").asText()).isEqualTo("stop");
    assertThat(graceful.path("timeout").asInt()).isEqualTo(3);
    assertThat(graceful.path("force").asBoolean()).isFalse();
    JsonNode forced = json(puts.get(1));
    assertThat(forced.path("force").asBoolean()).isTrue();
    assertThat(forced.has("timeout")).isFalse();
  }

  // -------------------------------------------------------------------------------------------------- 412

  @Test
  void http412OnPutRereadsAndRetriesKeepingVolatileKeys() throws Exception {
    String current = instance("acme", "Running", true, "");
    daemon.on("GET", INST, syncWithEtag(current, "a"), syncWithEtag(current, "a"), syncWithEtag(current, "b"));
    daemon.on("PUT", INST, error(412, "ETag doesn't match: b vs a"), async("op2"));
    daemon.opSucceeds("op2", "null");
    OrgSpec spec = OrgSpec.builder(ACME, ImageRef.alias("bb")).limits(ResourceLimits.of(1, MemorySize.mebibytes(512)))
        .label("team", "marketing").build();
    incus.provision(spec);
    List<RecordedRequest> puts = daemon.requests("PUT", INST);
    assertThat(puts).hasSize(2);
    assertThat(puts.get(0).getHeaders().get("If-Match")).isEqualTo("\"a\"");
    assertThat(puts.get(1).getHeaders().get("If-Match")).isEqualTo("\"b\"");
    JsonNode body = json(puts.get(1));
    assertThat(body.path("config").path("volatile.uuid").asText()).isEqualTo("u-1");
    assertThat(body.path("config").path("volatile.idmap.base").asText()).isEqualTo("0");
    assertThat(body.path("config").path("limits.cpu").asText()).isEqualTo("1");
    assertThat(body.path("config").path("limits.memory").asText()).isEqualTo("512MiB");
    assertThat(body.path("config").path("user.getbot.label.team").asText()).isEqualTo("marketing");
    assertThat(body.path("description").asText()).isEqualTo("getbot org acme");
    assertThat(body.path("devices").path("eth0").path("ipv4.address").asText()).isEqualTo("10.199.0.100");
  }

  // -------------------------------------------------------------------------------------------- provision

  private void scriptCreatePrelude() {
    daemon.on("GET", "/1.0/networks/getbot-br0", sync(FakeDaemon.NETWORK));
    daemon.on("GET", "/1.0/storage-pools/getbot-pool", sync(FakeDaemon.POOL));
    daemon.on("GET", "/1.0/images/aliases/bb", sync("{\"name\":\"bb\",\"target\":\"abc\"}"));
    daemon.on("GET", "/1.0/networks/getbot-br0/leases", sync("[{\"hostname\":\"getbot-br0.gw\",\"address\":"
        + "\"10.199.0.1\",\"type\":\"gateway\"},{\"hostname\":\"x\",\"address\":\"10.199.0.100\",\"type\":\"dynamic\"}]"));
  }

  @Test
  void provisionCreatesWithoutProfilesAndMovesOnADuplicateAddressAtStart() throws Exception {
    scriptCreatePrelude();
    String foreign = instance("foreign", "Running", false, "").replace("10.199.0.100", "10.199.0.101");
    String mine = instance("acme", "Stopped", true, "").replace("10.199.0.100", "10.199.0.101");
    daemon.on("GET", "/1.0/instances", sync("[]"), sync("[" + foreign + "," + mine + "]"));
    daemon.on("GET", INST, error(404, "Instance not found"),
        sync(instance("acme", "Running", true, "").replace("10.199.0.100", "10.199.0.102")));
    daemon.on("POST", "/1.0/instances", async("c1"));
    daemon.opSucceeds("c1", "null");
    daemon.on("PUT", INST + "/state", async("s1"), async("s2"));
    daemon.opFails("s1", "Failed start validation for device \"eth0\": IP address \"10.199.0.101\" already defined "
        + "on another NIC");
    daemon.opSucceeds("s2", "null");
    daemon.on("PATCH", INST, sync("{}"));

    OrgContainer c = incus.provision(OrgSpec.of(ACME, ImageRef.alias("bb")));
    assertThat(c.address()).hasToString("10.199.0.102");
    assertThat(c.state()).isEqualTo(OrgState.RUNNING);

    JsonNode create = json(daemon.requests("POST", "/1.0/instances").get(0));
    assertThat(create.path("profiles").isArray()).isTrue();
    assertThat(create.path("profiles")).isEmpty();
    assertThat(create.path("start").asBoolean()).isFalse();
    assertThat(create.path("source").path("alias").asText()).isEqualTo("bb");
    JsonNode eth0 = create.path("devices").path("eth0");
    assertThat(eth0.path("network").asText()).isEqualTo("getbot-br0");
    assertThat(eth0.has("nictype")).isFalse();
    assertThat(eth0.path("ipv4.address").asText()).isEqualTo("10.199.0.101"); // .100 is leased
    assertThat(eth0.path("security.port_isolation").asText()).isEqualTo("true");
    JsonNode root = create.path("devices").path("root");
    assertThat(root.path("pool").asText()).isEqualTo("getbot-pool");
    assertThat(root.path("path").asText()).isEqualTo("/");
    JsonNode config = create.path("config");
    assertThat(config.path("limits.cpu").asText()).isEqualTo("2");
    assertThat(config.path("limits.memory").asText()).isEqualTo("3GB");
    assertThat(config.path("security.nesting").asText()).isEqualTo("true");
    assertThat(config.path("security.syscalls.intercept.mknod").asText()).isEqualTo("true");
    assertThat(config.path("security.syscalls.intercept.setxattr").asText()).isEqualTo("true");
    assertThat(config.path("user.getbot.managed").asText()).isEqualTo("true");
    assertThat(config.has("security.privileged")).isFalse();
    assertThat(config.has("limits.processes")).isFalse();

    JsonNode patch = json(daemon.requests("PATCH", INST).get(0));
    assertThat(patch.path("devices").path("eth0").path("ipv4.address").asText()).isEqualTo("10.199.0.102");
    assertThat(patch.path("description").asText()).isEqualTo("getbot org acme");
    assertThat(daemon.requests("PUT", INST + "/state")).hasSize(2);
  }

  @Test
  void aFailedCreateLeavesNothingBehind() {
    scriptCreatePrelude();
    daemon.on("GET", "/1.0/instances", sync("[]"));
    daemon.on("GET", INST, error(404, "Instance not found"), sync(instance("acme", "Stopped", true, "")));
    daemon.on("POST", "/1.0/instances", async("c2"));
    daemon.opFails("c2", "Failed creating instance record: boom");
    daemon.on("DELETE", INST, async("d1"));
    daemon.opSucceeds("d1", "null");
    assertThatThrownBy(() -> incus.provision(OrgSpec.of(ACME, ImageRef.alias("bb"))))
        .isInstanceOfSatisfying(OperationFailedException.class,
            e -> assertThat(e.backendMessage()).isEqualTo("Failed creating instance record: boom"));
    assertThat(daemon.requests("DELETE", INST)).hasSize(1);
  }

  @Test
  void aFailedFirstStartDeletesTheNewInstance() {
    scriptCreatePrelude();
    daemon.on("GET", "/1.0/instances", sync("[]"));
    daemon.on("GET", INST, error(404, "Instance not found"), sync(instance("acme", "Stopped", true, "")));
    daemon.on("POST", "/1.0/instances", async("c3"));
    daemon.opSucceeds("c3", "null");
    daemon.on("PUT", INST + "/state", async("s3"));
    daemon.opFails("s3", "Failed to start device \"eth0\": no");
    daemon.on("DELETE", INST, async("d2"));
    daemon.opSucceeds("d2", "null");
    assertThatThrownBy(() -> incus.provision(OrgSpec.of(ACME, ImageRef.alias("bb"))))
        .isInstanceOf(OperationFailedException.class).hasMessageContaining("no");
    assertThat(daemon.requests("DELETE", INST)).hasSize(1);
  }

  @Test
  void anUnknownImageIsNotFoundAndNothingIsCreated() {
    daemon.on("GET", INST, error(404, "Instance not found"));
    daemon.on("GET", "/1.0/networks/getbot-br0", sync(FakeDaemon.NETWORK));
    daemon.on("GET", "/1.0/storage-pools/getbot-pool", sync(FakeDaemon.POOL));
    daemon.on("GET", "/1.0/images/aliases/bb", error(404, "Image alias not found"));
    assertThatThrownBy(() -> incus.provision(OrgSpec.of(ACME, ImageRef.alias("bb"))))
        .isInstanceOf(NotFoundException.class).hasMessageContaining("bb");
    assertThat(daemon.requests("POST", "/1.0/instances")).isEmpty();
  }

  // ---------------------------------------------------------------------------------------- exec and files

  @Test
  void execReadsTheRecordedOutputAndDeletesIt() throws Exception {
    String logs = "/1.0/instances/acme/logs/exec-output/exec_op4";
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")));
    daemon.on("POST", INST + "/exec", async("op4"));
    daemon.opSucceeds("op4", "{\"return\":3,\"output\":{\"1\":\"" + logs + ".stdout\",\"2\":\"" + logs + ".stderr\"}}");
    daemon.on("GET", logs + ".stdout", new MockResponse.Builder().code(200).body("out\n").build());
    daemon.on("GET", logs + ".stderr", new MockResponse.Builder().code(200).body("err\n").build());
    daemon.on("DELETE", logs + ".stdout", sync("{}"));
    daemon.on("DELETE", logs + ".stderr", sync("{}"));
    ExecResult r = incus.exec(ACME, ExecCommand.shell("x").withEnv("A", "b"));
    assertThat(r).isEqualTo(new ExecResult(3, "out\n", "err\n"));
    JsonNode posted = json(daemon.requests("POST", INST + "/exec").get(0));
    assertThat(posted.path("record-output").asBoolean()).isTrue();
    assertThat(posted.path("wait-for-websocket").asBoolean()).isFalse();
    assertThat(posted.path("environment").path("A").asText()).isEqualTo("b");
    assertThat(posted.has("cwd")).isFalse();
    assertThat(daemon.requests("DELETE", logs + ".stdout")).hasSize(1);
    assertThat(daemon.requests("DELETE", logs + ".stderr")).hasSize(1);
  }

  @Test
  void execOfAMissingProgramIs127() {
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")));
    daemon.on("POST", INST + "/exec", async("op5"));
    daemon.opFails("op5", "Command not found");
    assertThat(incus.exec(ACME, ExecCommand.of("nope")).exitCode()).isEqualTo(127);
    assertThat(daemon.requests("DELETE", "/1.0/instances/acme/logs/exec-output/exec_op5.stdout")).hasSize(1);
  }

  @Test
  void execTriesAgainWhenLxcCouldNotAttachThenGivesUp() {
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")));
    daemon.on("POST", INST + "/exec", async("op6"));
    daemon.opFails("op6", "Failed to retrieve PID of executing child process");
    assertThatThrownBy(() -> incus.exec(ACME, ExecCommand.of("true")))
        .isInstanceOf(OperationFailedException.class).hasMessageContaining("Failed to retrieve PID");
    assertThat(daemon.requests("POST", INST + "/exec")).hasSize(3);
  }

  @Test
  void execOnAStoppedContainerIsAConflict() {
    daemon.on("GET", INST, sync(instance("acme", "Stopped", true, "")));
    assertThatThrownBy(() -> incus.exec(ACME, ExecCommand.of("true"))).isInstanceOf(ConflictException.class);
    assertThat(daemon.requests("POST", INST + "/exec")).isEmpty();
  }

  @Test
  void pushFileSendsOctetStreamAndAnOctalModeWithALeadingZero() {
    daemon.on("GET", INST, sync(instance("acme", "Running", true, "")));
    daemon.on("POST", INST + "/files", sync("{}"));
    incus.pushFile(ACME, "/tmp/a b.txt", "hi".getBytes(StandardCharsets.UTF_8), FileAttributes.of(1000, 1001, 0640));
    RecordedRequest r = daemon.requests("POST", INST + "/files").get(0);
    assertThat(r.getUrl().queryParameter("path")).isEqualTo("/tmp/a b.txt");
    assertThat(r.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(r.getHeaders().get("X-Incus-uid")).isEqualTo("1000");
    assertThat(r.getHeaders().get("X-Incus-gid")).isEqualTo("1001");
    assertThat(r.getHeaders().get("X-Incus-mode")).isEqualTo("0640");
    assertThat(body(r)).isEqualTo("hi");
  }

  @Test
  void pullFileReadsOwnerAndMode() {
    daemon.on("GET", INST, sync(instance("acme", "Stopped", true, "")));
    daemon.on("GET", INST + "/files", new MockResponse.Builder().code(200).setHeader("X-Incus-Uid", "1000")
        .setHeader("X-Incus-Gid", "1000").setHeader("X-Incus-Mode", "0640").setHeader("X-Incus-Type", "file")
        .body("data").build());
    var f = incus.pullFile(ACME, "/etc/x");
    assertThat(f.utf8()).isEqualTo("data");
    assertThat(f.attributes()).isEqualTo(FileAttributes.of(1000, 1000, 0640));
  }

  @Test
  void usageComesFromTheInstanceState() {
    String running = instance("acme", "Running", true, "").replace("\"snapshots\":null",
        "\"snapshots\":[{},{}],\"state\":{\"status\":\"Running\",\"cpu\":{\"usage\":1500000000},\"memory\":{\"usage\":"
            + "4096,\"total\":2999996416},\"processes\":3,\"network\":{\"eth0\":{\"addresses\":[{\"family\":\"inet6\","
            + "\"address\":\"fe80::1\"},{\"family\":\"inet\",\"address\":\"10.199.0.100\"}]}}}");
    daemon.on("GET", INST, sync(running));
    var usage = incus.usage(ACME);
    assertThat(usage.cpuTime()).isEqualTo(java.time.Duration.ofMillis(1500));
    assertThat(usage.memoryBytes()).isEqualTo(4096);
    assertThat(usage.memoryLimitBytes()).isEqualTo(3_000_000_000L);
    assertThat(usage.processes()).isEqualTo(3);
    OrgContainer c = incus.find(ACME).orElseThrow();
    assertThat(c.snapshotCount()).isEqualTo(2);
    assertThat(c.ipv4()).hasValueSatisfying(ip -> assertThat(ip).hasToString("10.199.0.100"));
    assertThat(c.limits()).isEqualTo(ResourceLimits.DEFAULT);
  }

  // ------------------------------------------------------------------------------------------------ images

  @Test
  void importUploadsTheRawTarballThenAttachesTheAlias() throws Exception {
    Path tarball = Files.write(dir.resolve("img.tar.gz"), new byte[] {1, 2, 3, 4, 5});
    String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
    daemon.on("GET", "/1.0/images/" + fp, error(404, "Image not found"));
    daemon.on("POST", "/1.0/images", async("i1"));
    daemon.opSucceeds("i1", "{\"fingerprint\":\"" + fp + "\",\"size\":\"5\"}");
    daemon.on("GET", "/1.0/images/aliases/bb", error(404, "Alias not found"));
    daemon.on("POST", "/1.0/images/aliases", created());
    List<run.getbot.isolation.ProgressEvent> events = new java.util.ArrayList<>();
    ImageImport result = incus.importImage(tarball, "bb", events::add);
    assertThat(result).isEqualTo(new ImageImport(fp, "bb", true));
    RecordedRequest upload = daemon.requests("POST", "/1.0/images").get(0);
    assertThat(upload.getHeaders().get("Content-Type")).isEqualTo("application/octet-stream");
    assertThat(upload.getBody().toByteArray()).containsExactly(1, 2, 3, 4, 5);
    JsonNode alias = json(daemon.requests("POST", "/1.0/images/aliases").get(0));
    assertThat(alias.path("name").asText()).isEqualTo("bb");
    assertThat(alias.path("target").asText()).isEqualTo(fp);
    assertThat(events).anySatisfy(e -> {
      assertThat(e.step()).isEqualTo("image-upload");
      assertThat(e.percent()).hasValue(100);
    });
  }

  @Test
  void anImageThatAlreadyExistsIsNotAnError() throws Exception {
    Path tarball = Files.write(dir.resolve("img.tar.gz"), new byte[] {9});
    String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
    daemon.on("GET", "/1.0/images/" + fp, error(404, "Image not found"));
    daemon.on("POST", "/1.0/images", async("i2"));
    daemon.opFails("i2", "Image with same fingerprint already exists");
    daemon.on("GET", "/1.0/images/aliases/bb", sync("{\"name\":\"bb\",\"target\":\"" + fp + "\"}"));
    assertThat(incus.importImage(tarball, "bb")).isEqualTo(new ImageImport(fp, "bb", false));
    assertThat(daemon.requests("POST", "/1.0/images/aliases")).isEmpty();
  }

  @Test
  void anAliasPointingElsewhereIsAConflict() throws Exception {
    Path tarball = Files.write(dir.resolve("img.tar.gz"), new byte[] {7});
    String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(tarball)));
    daemon.on("GET", "/1.0/images/" + fp, sync("{\"fingerprint\":\"" + fp + "\"}"));
    daemon.on("GET", "/1.0/images/aliases/bb", sync("{\"name\":\"bb\",\"target\":\"0123456789ab\"}"));
    assertThatThrownBy(() -> incus.importImage(tarball, "bb")).isInstanceOf(ConflictException.class)
        .hasMessageContaining("0123456789ab");
    assertThat(daemon.requests("POST", "/1.0/images")).isEmpty();
  }
}
