package run.getbot.isolation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * What runs inside an org container: Docker, the team's images and its Compose project, driven through
 * {@link IsolationProvider#exec} and {@link IsolationProvider#pushFile} of any provider. Needs an image with Docker
 * and Compose (v2 {@code docker compose} or v1 {@code docker-compose}) and an org with {@link SecurityFlags#DOCKER}.
 *
 * <p>A team's project lives in {@code /srv/getbot/TEAM}: {@code compose.yaml}, {@code .env} (mode 0600) and the data
 * directories {@value #CONFIG_DIR} and {@value #WORKSPACE_DIR}, all owned by uid/gid {@value #AGENT_UID}. Secrets in
 * the environment never appear in messages: every value of three characters or more is masked in any output the SDK
 * quotes.
 */
public final class DockerWorkloads {

  /** Owner of the project's files and data directories. */
  public static final int AGENT_UID = 1000;
  /** The agent's configuration directory, inside the team's directory. */
  public static final String CONFIG_DIR = "openclaw-config";
  /** The agent's workspace directory, inside the team's directory. */
  public static final String WORKSPACE_DIR = "openclaw-workspace";

  private static final Duration POLL = Duration.ofMillis(500);
  private static final String HEALTH_FORMAT =
      "{{.Name}} {{if .State.Health}}{{.State.Health.Status}}{{else}}{{.State.Status}}{{end}}";

  private final IsolationProvider provider;

  /** Workloads on {@code provider}'s containers. */
  public DockerWorkloads(IsolationProvider provider) {
    this.provider = Objects.requireNonNull(provider, "provider");
  }

  /**
   * Waits until the Docker daemon inside the org's container answers. A failing probe, or an exec that the backend
   * fails while the container is still booting, is tried again until the deadline.
   *
   * @throws OperationFailedException if it does not within {@code timeout}
   */
  public void awaitDocker(OrgName org, Duration timeout, ProgressListener progress) {
    progress.onProgress(ProgressEvent.of("docker", "waiting for Docker in " + org));
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    do {
      try {
        ExecResult r = provider.exec(org, ExecCommand.shell("docker info --format '{{.ServerVersion}}'"));
        if (r.succeeded()) {
          progress.onProgress(ProgressEvent.of("docker", "Docker " + r.stdout().strip() + " is ready in " + org));
          return;
        }
        last = r.stderr().strip();
      } catch (OperationFailedException e) {
        last = e.getMessage(); // a container that is still booting may fail the exec itself: keep polling
      }
    } while (pause(deadline));
    throw new OperationFailedException("Docker did not become ready in org " + org + " within "
        + timeout.toSeconds() + " s", last);
  }

  /** Copies {@code image} into the org's container and loads it into its Docker; returns Docker's report. */
  public String loadImage(OrgName org, ImageTarball image, ProgressListener progress) {
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(image.file());
    } catch (IOException e) {
      throw new InvalidSpecException("cannot read image tarball " + image.file() + ": " + e.getMessage(), e);
    }
    String staged = "/srv/getbot/.images/" + image.file().getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
    progress.onProgress(ProgressEvent.of("image", "copying " + image.file().getFileName() + " (" + bytes.length
        + " bytes) into " + org));
    run(org, "preparing " + staged, "mkdir -p /srv/getbot/.images", List.of());
    provider.pushFile(org, staged, bytes, FileAttributes.of(0, 0, 0600));
    String load = image.importAs().map(ref -> "docker import " + staged + " " + ref).orElse("docker load -i " + staged);
    progress.onProgress(ProgressEvent.of("image", load));
    ExecResult result = run(org, "loading " + image.file().getFileName(), load + "; status=$?; rm -f " + staged
        + "; exit $status", List.of());
    return result.stdout().strip();
  }

  /**
   * Writes the project into {@code /srv/getbot/TEAM}: the directories, {@code compose.yaml} and {@code .env}, owned
   * by uid {@value #AGENT_UID}. Files of an earlier push are replaced.
   */
  public void pushProject(OrgName org, ComposeProject project, ProgressListener progress) {
    String dir = project.directory();
    progress.onProgress(ProgressEvent.of("project", "writing the compose project of team " + project.team()
        + " to " + dir));
    String dirs = dir + " " + dir + "/" + CONFIG_DIR + " " + dir + "/" + WORKSPACE_DIR;
    run(org, "creating " + dir, "mkdir -p " + dirs + " && rm -f " + dir + "/compose.yaml " + dir + "/.env"
        + " && chown " + AGENT_UID + ":" + AGENT_UID + " " + dirs, List.of());
    FileAttributes agent = FileAttributes.of(AGENT_UID, AGENT_UID, 0644);
    provider.pushFile(org, dir + "/compose.yaml", project.composeFile().getBytes(StandardCharsets.UTF_8), agent);
    provider.pushFile(org, dir + "/.env", project.envFile().getBytes(StandardCharsets.UTF_8),
        FileAttributes.of(AGENT_UID, AGENT_UID, 0600));
  }

  /**
   * Loads the project's images, pushes it, runs {@code compose up -d} and waits until every service is healthy (or
   * running, for a service without a health check).
   *
   * @throws OperationFailedException if a command fails, a service turns unhealthy or exits, or the deadline passes;
   *     the message quotes Docker's output with the project's secrets masked
   */
  public void up(OrgName org, ComposeProject project, ProgressListener progress) {
    for (ImageTarball image : project.images()) {
      loadImage(org, image, progress);
    }
    pushProject(org, project, progress);
    progress.onProgress(ProgressEvent.of("compose-up", "compose up -d for team " + project.team()));
    run(org, "starting the compose project of team " + project.team(), compose(project.team(), "up -d"),
        project.environment().values());
    awaitHealthy(org, project, progress);
  }

  /** Runs {@code compose down} for the team's project, if it has one; returns false if there was none. */
  public boolean down(OrgName org, String team) {
    RouteSpec.checkPathPrefix("/" + team);
    String dir = "/srv/getbot/" + team;
    ExecResult present = provider.exec(org, ExecCommand.shell("test -f " + dir + "/compose.yaml"));
    if (!present.succeeded()) {
      return false;
    }
    run(org, "stopping the compose project of team " + team, compose(team, "down"), List.of());
    return true;
  }

  /** Waits for every service of the team's project to be healthy; see {@link #up}. */
  public void awaitHealthy(OrgName org, ComposeProject project, ProgressListener progress) {
    long deadline = System.nanoTime() + project.healthTimeout().toNanos();
    String script = "ids=$(" + compose(project.team(), "ps -q") + ") && [ -n \"$ids\" ] && docker inspect -f '"
        + HEALTH_FORMAT + "' $ids";
    String last = "";
    do {
      ExecResult r = provider.exec(org, ExecCommand.shell(script));
      if (r.succeeded()) {
        List<String> waiting = new ArrayList<>();
        for (String line : r.stdout().strip().split("\n")) {
          String status = line.substring(line.lastIndexOf(' ') + 1);
          if (status.equals("unhealthy") || status.equals("exited") || status.equals("dead")) {
            throw new OperationFailedException("service " + line.substring(0, line.lastIndexOf(' ')).replace("/", "")
                + " of team " + project.team() + " in org " + org + " is " + status,
                mask(r.stdout().strip(), project.environment().values()));
          }
          if (!status.equals("healthy") && !status.equals("running")) {
            waiting.add(line.replace("/", ""));
          }
        }
        if (waiting.isEmpty()) {
          progress.onProgress(ProgressEvent.of("healthy", "every service of team " + project.team() + " is healthy"));
          return;
        }
        last = String.join(", ", waiting);
        progress.onProgress(ProgressEvent.of("healthy", "waiting for " + last));
      } else {
        last = mask(r.stderr().strip(), project.environment().values());
      }
    } while (pause(deadline));
    throw new OperationFailedException("team " + project.team() + " in org " + org + " was not healthy within "
        + project.healthTimeout().toSeconds() + " s", last);
  }

  /** The compose command for a team's project: v2 {@code docker compose} or v1 {@code docker-compose}. */
  private static String compose(String team, String args) {
    String project = "-p getbot-" + team + " ";
    return "cd /srv/getbot/" + team + " && if command -v docker-compose >/dev/null 2>&1; then docker-compose "
        + project + args + "; else docker compose " + project + args + "; fi";
  }

  private ExecResult run(OrgName org, String doing, String script, Collection<String> secrets) {
    ExecResult r = provider.exec(org, ExecCommand.shell(script));
    if (!r.succeeded()) {
      String output = (r.stderr().isBlank() ? r.stdout() : r.stderr()).strip();
      throw new OperationFailedException(doing + " in org " + org + " failed (exit " + r.exitCode() + ")",
          mask(output, secrets));
    }
    return r;
  }

  /** {@code text} with every secret of three characters or more replaced by {@code ***}. */
  static String mask(String text, Collection<String> secrets) {
    String masked = text;
    for (String secret : secrets) {
      if (secret.length() >= 3) {
        masked = masked.replace(secret, "***");
      }
    }
    return masked;
  }

  private static boolean pause(long deadline) {
    if (System.nanoTime() - deadline >= 0) {
      return false;
    }
    try {
      Thread.sleep(POLL.toMillis());
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
