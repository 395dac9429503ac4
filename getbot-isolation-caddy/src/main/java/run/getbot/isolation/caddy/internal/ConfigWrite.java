package run.getbot.isolation.caddy.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * One write to Caddy's {@code /config/} tree: {@code PATCH} (replace), {@code PUT} (create) or {@code DELETE} at a
 * path. {@link #between} finds the single narrowest write that turns one config into another, so a batch of any size
 * costs one admin request (= one Caddy reload).
 *
 * @param method PATCH, PUT or DELETE
 * @param path path segments below {@code /config/}, e.g. {@code [apps, http, servers, getbot, routes]}
 * @param body the new value (null for DELETE)
 */
public record ConfigWrite(String method, List<String> path, JsonNode body) {

  /** Copies the path. */
  public ConfigWrite {
    Objects.requireNonNull(method, "method");
    path = List.copyOf(path);
  }

  /** {@code /config/a/b/c}, unencoded (for messages). */
  public String configPath() {
    return "/config/" + String.join("/", path);
  }

  /**
   * The narrowest write turning {@code before} into {@code after}, both located at {@code base}; empty when they are
   * equal. It descends into objects while exactly one key differs; arrays are replaced whole, since their element
   * paths shift. A missing value (Java null) is created with PUT or removed with DELETE.
   */
  public static Optional<ConfigWrite> between(List<String> base, JsonNode before, JsonNode after) {
    List<String> path = new ArrayList<>(base);
    JsonNode old = before;
    JsonNode neu = after;
    while (true) {
      if (Objects.equals(old, neu)) {
        return Optional.empty();
      }
      if (neu == null) {
        return Optional.of(new ConfigWrite("DELETE", path, null));
      }
      if (old == null) {
        return Optional.of(new ConfigWrite("PUT", path, neu));
      }
      if (old.isObject() && neu.isObject()) {
        Set<String> keys = new LinkedHashSet<>();
        old.fieldNames().forEachRemaining(keys::add);
        neu.fieldNames().forEachRemaining(keys::add);
        String differing = null;
        int count = 0;
        for (Iterator<String> it = keys.iterator(); it.hasNext() && count < 2; ) {
          String key = it.next();
          if (!Objects.equals(old.get(key), neu.get(key))) {
            differing = key;
            count++;
          }
        }
        if (count == 1) {
          path.add(differing);
          old = old.get(differing);
          neu = neu.get(differing);
          continue;
        }
      }
      return Optional.of(new ConfigWrite("PATCH", path, neu));
    }
  }

  /** As {@link #between(List, JsonNode, JsonNode)}, treating a JSON null {@code before} as absent. */
  public static Optional<ConfigWrite> betweenRoot(List<String> base, JsonNode before, JsonNode after) {
    return between(base, before == null || before instanceof NullNode ? null : before, after);
  }
}
