package run.getbot.isolation.internal;

import java.util.Objects;
import run.getbot.isolation.InvalidSpecException;

/** Validation helpers shared by the value types. Not part of the public API. */
public final class Checks {

  private Checks() {}

  /** Throws {@link InvalidSpecException} with {@code message} unless {@code condition} holds. */
  public static void check(boolean condition, String message) {
    if (!condition) {
      throw new InvalidSpecException(message);
    }
  }

  /** Returns {@code value}, or throws {@link InvalidSpecException} naming {@code what} when it is null. */
  public static <T> T present(T value, String what) {
    if (value == null) {
      throw new InvalidSpecException(what + " is required");
    }
    return value;
  }

  /** Index of the first ISO control character in {@code s}, or -1. */
  public static int firstControl(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (Character.isISOControl(s.charAt(i))) {
        return i;
      }
    }
    return -1;
  }

  /** Rejects control characters (CR, LF, NUL, …) so a value can never split a header or a config line. */
  public static String noControl(String value, String what) {
    Objects.requireNonNull(value, what);
    int at = firstControl(value);
    if (at >= 0) { // message built only here: value.charAt(at) would fail on an empty, valid value
      throw new InvalidSpecException(what + " contains a control character (U+"
          + String.format("%04X", (int) value.charAt(at)) + ") at index " + at);
    }
    return value;
  }

  /** True when {@code s} is a hostname label: 1–63 of {@code a-z0-9-}, no leading or trailing '-'. */
  public static boolean isDnsLabel(String s) {
    if (s.isEmpty() || s.length() > 63 || s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-') {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Quotes a user-supplied value for an error message, escaping anything unprintable. */
  public static String quote(String value) {
    StringBuilder sb = new StringBuilder("'");
    int limit = Math.min(value.length(), 80);
    for (int i = 0; i < limit; i++) {
      char c = value.charAt(i);
      if (Character.isISOControl(c)) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    if (value.length() > limit) {
      sb.append("…(").append(value.length()).append(" chars)");
    }
    return sb.append('\'').toString();
  }
}
