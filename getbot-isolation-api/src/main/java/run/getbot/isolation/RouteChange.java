package run.getbot.isolation;

import java.util.Objects;

/** One change in an {@link Ingress#apply(java.util.List) ingress batch}. */
public sealed interface RouteChange permits RouteChange.Upsert, RouteChange.Remove, RouteChange.RemoveOrg {

  /** Add or replace the route with the same key. */
  static RouteChange upsert(RouteSpec route) {
    return new Upsert(route);
  }

  /** Remove the route with this key, if present. */
  static RouteChange remove(RouteKey key) {
    return new Remove(key);
  }

  /** Remove every route of the org. */
  static RouteChange removeOrg(OrgName org) {
    return new RemoveOrg(org);
  }

  /**
   * Adds or replaces a route.
   *
   * @param route the route
   */
  record Upsert(RouteSpec route) implements RouteChange {
    /** Checks presence. */
    public Upsert {
      Objects.requireNonNull(route, "route");
    }
  }

  /**
   * Removes one route.
   *
   * @param key the route's key
   */
  record Remove(RouteKey key) implements RouteChange {
    /** Checks presence. */
    public Remove {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * Removes all of an org's routes.
   *
   * @param org the org
   */
  record RemoveOrg(OrgName org) implements RouteChange {
    /** Checks presence. */
    public RemoveOrg {
      Objects.requireNonNull(org, "org");
    }
  }
}
