package run.getbot.isolation.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.IDN;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The Public Suffix List (publicsuffix.org, MPL-2.0), ICANN and private sections, loaded once from the resource
 * {@code public_suffix_list.dat} next to this class (copied from Debian's {@code publicsuffix} package). Rules are kept
 * in punycode so they match {@link java.net.IDN#toASCII} output. Not part of the public API.
 */
public final class PublicSuffixList {

  private static final String RESOURCE = "public_suffix_list.dat";

  private final Set<String> rules;
  private final Set<String> wildcards; // "*.ck" stored as "ck"
  private final Set<String> exceptions; // "!www.ck" stored as "www.ck"

  private PublicSuffixList(Set<String> rules, Set<String> wildcards, Set<String> exceptions) {
    this.rules = rules;
    this.wildcards = wildcards;
    this.exceptions = exceptions;
  }

  /** The list shipped with the SDK. */
  public static PublicSuffixList get() {
    return Holder.INSTANCE;
  }

  private static final class Holder {
    static final PublicSuffixList INSTANCE = load();
  }

  private static PublicSuffixList load() {
    try (InputStream in = PublicSuffixList.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("resource " + RESOURCE + " is missing from the getbot-isolation-api jar");
      }
      return parse(new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + RESOURCE, e);
    }
  }

  static PublicSuffixList parse(BufferedReader reader) throws IOException {
    Set<String> rules = new HashSet<>();
    Set<String> wildcards = new HashSet<>();
    Set<String> exceptions = new HashSet<>();
    for (String line; (line = reader.readLine()) != null; ) {
      String rule = line.strip();
      if (rule.isEmpty() || rule.startsWith("//")) {
        continue;
      }
      int space = rule.indexOf(' ');
      if (space > 0) {
        rule = rule.substring(0, space);
      }
      if (rule.startsWith("!")) {
        exceptions.add(ascii(rule.substring(1)));
      } else if (rule.startsWith("*.")) {
        wildcards.add(ascii(rule.substring(2)));
      } else {
        rules.add(ascii(rule));
      }
    }
    return new PublicSuffixList(rules, wildcards, exceptions);
  }

  private static String ascii(String rule) {
    return IDN.toASCII(rule.toLowerCase(Locale.ROOT), IDN.ALLOW_UNASSIGNED);
  }

  /**
   * The registrable domain (public suffix plus one label) of a lower-case ASCII domain, or empty when the domain is
   * itself a public suffix. Unlisted top-level domains follow the implicit {@code *} rule.
   */
  public Optional<String> registrableDomain(String domain) {
    String[] labels = domain.split("\\.");
    int suffixStart = labels.length - 1; // implicit "*" rule: the last label
    for (int i = 0; i < labels.length; i++) {
      String candidate = join(labels, i);
      if (exceptions.contains(candidate)) {
        suffixStart = i + 1;
        break;
      }
      if (rules.contains(candidate) || i + 1 < labels.length && wildcards.contains(join(labels, i + 1))) {
        suffixStart = i;
        break;
      }
    }
    return suffixStart == 0 ? Optional.empty() : Optional.of(join(labels, suffixStart - 1));
  }

  private static String join(String[] labels, int from) {
    return String.join(".", java.util.Arrays.asList(labels).subList(from, labels.length));
  }
}
