package run.getbot.isolation.testkit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.ProviderUnavailableException;

/** Failure injection shared by the in-memory fakes: an "unavailable" switch and one-shot failures per operation. */
final class Faults {

  private final String component;
  private final Set<String> operations;
  private boolean unavailable;
  private final Map<String, Deque<IsolationException>> pending = new HashMap<>();

  Faults(String component, Set<String> operations) {
    this.component = component;
    this.operations = new TreeSet<>(operations);
  }

  synchronized void setUnavailable(boolean unavailable) {
    this.unavailable = unavailable;
  }

  synchronized void failNext(String operation, IsolationException failure) {
    Objects.requireNonNull(operation, "operation");
    Objects.requireNonNull(failure, "failure");
    if (!operations.contains(operation)) {
      throw new IllegalArgumentException("unknown operation '" + operation + "'; one of " + operations);
    }
    pending.computeIfAbsent(operation, k -> new ArrayDeque<>()).add(failure);
  }

  /** Throws what is due for {@code operation}: unavailability first, then the oldest pending failure. */
  synchronized void check(String operation) {
    if (unavailable) {
      throw new ProviderUnavailableException(
          "the " + component + " is unavailable: the test called setUnavailable(true) (during " + operation + ")");
    }
    Deque<IsolationException> failures = pending.get(operation);
    if (failures != null && !failures.isEmpty()) {
      throw failures.poll();
    }
  }
}
