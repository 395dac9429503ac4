package run.getbot.isolation;

import java.util.List;

/**
 * What {@link OrgIsolation#reconcile()} changed.
 *
 * @param convergedOrgs orgs whose limits or flags had drifted and were reset
 * @param routesRestored routes that were missing or pointed elsewhere, now written
 * @param routesRemoved routes under the base domain that no deployed team backs any more, now removed
 */
public record ReconcileReport(List<OrgName> convergedOrgs, List<RouteSpec> routesRestored,
                              List<RouteKey> routesRemoved) {

  /** Copies the lists. */
  public ReconcileReport {
    convergedOrgs = List.copyOf(convergedOrgs);
    routesRestored = List.copyOf(routesRestored);
    routesRemoved = List.copyOf(routesRemoved);
  }

  /** True when nothing had to change. */
  public boolean isEmpty() {
    return convergedOrgs.isEmpty() && routesRestored.isEmpty() && routesRemoved.isEmpty();
  }
}
