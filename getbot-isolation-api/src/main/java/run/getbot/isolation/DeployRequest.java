package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;

import java.util.Objects;
import java.util.Optional;

/**
 * "Give this org's team an isolated agent listening on this port": the input of {@link OrgIsolation#deploy}.
 *
 * @param org the org
 * @param domain the registrable email domain the org was derived from; empty when the org was named explicitly
 * @param team the team, which becomes the path prefix {@code /TEAM}
 * @param port the port the team's agent listens on inside the container
 * @param workload the team's Compose project, started and awaited healthy before the route is written; empty when
 *     the agent is already in the image
 */
public record DeployRequest(OrgName org, Optional<String> domain, String team, int port,
                            Optional<ComposeProject> workload) {

  /** Validates team and port. */
  public DeployRequest {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(team, "team");
    RouteSpec.checkPathPrefix("/" + team);
    check(port >= 1 && port <= 65535, "port must be between 1 and 65535, got " + port);
    Objects.requireNonNull(workload, "workload");
    workload.ifPresent(w -> check(w.team().equals(team),
        "the workload is for team " + w.team() + ", the request for team " + team));
  }

  /**
   * The org derived from {@code email} (see {@link OrgName#fromEmail(String)}), recording its registrable domain.
   *
   * @throws InvalidSpecException for a malformed address or a shared mailbox domain
   */
  public static DeployRequest forEmail(String email, String team, int port) {
    EmailDomain domain = EmailDomain.ofEmail(email).requireNotShared(OrgName.SHARED_MAILBOX_DOMAINS);
    return new DeployRequest(domain.orgName(), Optional.of(domain.registrableDomain()), team, port, Optional.empty());
  }

  /** An explicitly named org, e.g. for users of a shared mailbox provider. */
  public static DeployRequest forOrg(OrgName org, String team, int port) {
    return new DeployRequest(org, Optional.empty(), team, port, Optional.empty());
  }

  /** A copy that runs {@code project} (which must be for this request's team) before routing to it. */
  public DeployRequest withWorkload(ComposeProject project) {
    return new DeployRequest(org, domain, team, port, Optional.of(project));
  }
}
