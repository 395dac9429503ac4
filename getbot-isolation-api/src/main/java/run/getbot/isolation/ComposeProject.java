package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * A team's Docker Compose project, run inside its org's container by {@link DockerWorkloads}. The environment is
 * written as the project's {@code .env} file (mode 0600, owner uid 1000) and may hold secrets: {@link #toString()}
 * never shows its values, and neither does any message the SDK writes.
 *
 * @param team the team; the project lives in {@code /srv/getbot/TEAM}
 * @param composeFile the {@code compose.yaml} content
 * @param environment variables for the {@code .env} file
 * @param images images to load into the container's Docker before {@code up}
 * @param healthTimeout how long {@code up} waits for every service to be healthy (or running, without a check)
 */
public record ComposeProject(String team, String composeFile, Map<String, String> environment,
                             List<ImageTarball> images, Duration healthTimeout) {

  /** The default health deadline, 60 s. */
  public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofSeconds(60);

  /** Validates and copies. */
  public ComposeProject {
    Objects.requireNonNull(team, "team");
    RouteSpec.checkPathPrefix("/" + team);
    Objects.requireNonNull(composeFile, "composeFile");
    check(!composeFile.isBlank(), "the compose file of team " + team + " is empty");
    Objects.requireNonNull(environment, "environment");
    TreeMap<String, String> env = new TreeMap<>();
    environment.forEach((k, v) -> {
      check(k != null && k.matches("[A-Za-z_][A-Za-z0-9_]*"), "environment variable name "
          + (k == null ? "null" : "'" + k + "'") + " must match [A-Za-z_][A-Za-z0-9_]*");
      check(v != null && v.indexOf('\n') < 0 && v.indexOf('\r') < 0 && v.indexOf('\0') < 0,
          "environment variable " + k + " has no value or contains a line break or NUL");
      env.put(k, v);
    });
    environment = java.util.Collections.unmodifiableMap(env);
    images = List.copyOf(images);
    Objects.requireNonNull(healthTimeout, "healthTimeout");
    check(!healthTimeout.isNegative() && !healthTimeout.isZero(), "health timeout must be positive");
  }

  /** A project with no environment, no images and the default health deadline. */
  public static ComposeProject of(String team, String composeFile) {
    return new ComposeProject(team, composeFile, Map.of(), List.of(), DEFAULT_HEALTH_TIMEOUT);
  }

  /** A copy with {@code environment} as its {@code .env}. */
  public ComposeProject withEnvironment(Map<String, String> environment) {
    return new ComposeProject(team, composeFile, environment, images, healthTimeout);
  }

  /** A copy that loads {@code images} first. */
  public ComposeProject withImages(List<ImageTarball> images) {
    return new ComposeProject(team, composeFile, environment, images, healthTimeout);
  }

  /** A copy with another health deadline. */
  public ComposeProject withHealthTimeout(Duration timeout) {
    return new ComposeProject(team, composeFile, environment, images, timeout);
  }

  /** The project's directory inside the container. */
  public String directory() {
    return "/srv/getbot/" + team;
  }

  /** The {@code .env} file's content. Holds secrets: never log it. */
  String envFile() {
    StringBuilder sb = new StringBuilder();
    environment.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
    return sb.toString();
  }

  /** Team, images and the environment's names; values are hidden. */
  @Override
  public String toString() {
    return "ComposeProject[team=" + team + ", env=" + environment.keySet() + " (values hidden), images=" + images
        + ", healthTimeout=" + healthTimeout + "]";
  }
}
