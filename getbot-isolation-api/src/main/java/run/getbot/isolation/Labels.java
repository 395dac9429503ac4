package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import run.getbot.isolation.internal.Checks;

/** Rules for the free-form labels on an org container. Not instantiable. */
public final class Labels {

  /** Longest label value. */
  public static final int MAX_VALUE_LENGTH = 1024;

  private Labels() {}

  /**
   * Validates labels and returns an immutable copy sorted by key. Keys are 1–63 characters of {@code a-z0-9._-},
   * starting with a letter or digit; values are at most {@value #MAX_VALUE_LENGTH} characters without control
   * characters.
   */
  public static Map<String, String> copyOf(Map<String, String> labels) {
    Objects.requireNonNull(labels, "labels");
    TreeMap<String, String> copy = new TreeMap<>();
    labels.forEach((key, value) -> {
      check(key != null && key.matches("[a-z0-9][a-z0-9._-]{0,62}"),
          "label key " + (key == null ? "null" : quote(key))
              + " must be 1–63 characters of a-z, 0-9, '.', '_' and '-', starting with a letter or digit");
      check(value != null, "label " + key + " has no value");
      Checks.noControl(value, "label " + key);
      check(value.length() <= MAX_VALUE_LENGTH, "label " + key + " is longer than " + MAX_VALUE_LENGTH + " characters");
      copy.put(key, value);
    });
    return Collections.unmodifiableMap(copy);
  }
}
