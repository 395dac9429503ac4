package run.getbot.isolation.testkit;

import java.util.concurrent.ThreadLocalRandom;

/** Unique names for the contract suites, so that runs against a shared daemon never collide. */
final class TestNames {

  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

  private TestNames() {}

  /** {@code prefix} followed by {@code length} random lower-case letters and digits. */
  static String unique(String prefix, int length) {
    StringBuilder sb = new StringBuilder(prefix);
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < length; i++) {
      sb.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }
}
