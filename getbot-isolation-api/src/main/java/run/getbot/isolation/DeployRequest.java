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
 */
public record DeployRequest(OrgName org, Optional<String> domain, String team, int port) {

  /** Validates team and port. */
  public DeployRequest {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(team, "team");
    RouteSpec.checkPathPrefix("/" + team);
    check(port >= 1 && port <= 65535, "port must be between 1 and 65535, got " + port);
  }

  /**
   * The org derived from {@code email} (see {@link OrgName#fromEmail(String)}), recording its registrable domain.
   *
   * @throws InvalidSpecException for a malformed address or a shared mailbox domain
   */
  public static DeployRequest forEmail(String email, String team, int port) {
    EmailDomain domain = EmailDomain.ofEmail(email).requireNotShared(OrgName.SHARED_MAILBOX_DOMAINS);
    return new DeployRequest(domain.orgName(), Optional.of(domain.registrableDomain()), team, port);
  }

  /** An explicitly named org, e.g. for users of a shared mailbox provider. */
  public static DeployRequest forOrg(OrgName org, String team, int port) {
    return new DeployRequest(org, Optional.empty(), team, port);
  }
}
