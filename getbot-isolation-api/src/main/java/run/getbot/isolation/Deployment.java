package run.getbot.isolation;

import java.net.URI;
import java.util.Objects;

/**
 * A team's agent, deployed: where its container is and the URL that reaches it.
 *
 * @param container the org's container, running, with its IPv4 address up
 * @param route the ingress route to the team's agent
 * @param url the public URL, e.g. {@code https://acme.getbot.run/marketing/}
 */
public record Deployment(OrgContainer container, RouteSpec route, URI url) {

  /** Checks presence. */
  public Deployment {
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(route, "route");
    Objects.requireNonNull(url, "url");
  }

  /** The org. */
  public OrgName org() {
    return container.name();
  }

  /** The container's address on the bridge. */
  public Ipv4Address address() {
    return container.address();
  }
}
