package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.net.IDN;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import run.getbot.isolation.internal.Checks;
import run.getbot.isolation.internal.PublicSuffixList;

/**
 * The domain of an email address, in lower-case ASCII (punycode), with its registrable domain per the Public Suffix
 * List: {@code carol@eng.acme.co.uk} has domain {@code eng.acme.co.uk} and registrable domain {@code acme.co.uk}.
 * Two addresses belong to the same organization exactly when their registrable domains are equal.
 *
 * @param domain the full domain, e.g. {@code eng.acme.com}
 * @param registrableDomain the public suffix plus one label, e.g. {@code acme.com}
 */
public record EmailDomain(String domain, String registrableDomain) {

  private static final int MAX_DOMAIN = 253;

  /** Checks that {@code registrableDomain} is {@code domain} or a parent of it. Use {@link #of} to derive it. */
  public EmailDomain {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(registrableDomain, "registrableDomain");
    check(domain.equals(registrableDomain) || domain.endsWith("." + registrableDomain),
        quote(registrableDomain) + " is not a parent of " + quote(domain));
  }

  /** Parses the domain part of {@code email}; the local part is checked only for being present and printable. */
  public static EmailDomain ofEmail(String email) {
    Objects.requireNonNull(email, "email");
    Checks.noControl(email, "email " + quote(email));
    int at = email.lastIndexOf('@');
    check(at >= 0, "email " + quote(email) + " has no '@'");
    check(at > 0, "email " + quote(email) + " has an empty local part before '@'");
    check(at < email.length() - 1, "email " + quote(email) + " has an empty domain after '@'");
    String local = email.substring(0, at);
    check(local.chars().noneMatch(Character::isWhitespace), "email " + quote(email) + " contains whitespace");
    check(local.length() <= 64, "email " + quote(email) + " has a local part longer than 64 characters");
    return of(email.substring(at + 1));
  }

  /** Parses a bare domain such as {@code acme.com} or {@code bücher.de}. */
  public static EmailDomain of(String domain) {
    Objects.requireNonNull(domain, "domain");
    Checks.noControl(domain, "domain " + quote(domain));
    check(domain.length() <= MAX_DOMAIN, "domain " + quote(domain) + " is longer than 253 characters");
    check(domain.chars().noneMatch(Character::isWhitespace), "domain " + quote(domain) + " contains whitespace");
    check(!domain.isEmpty(), "domain is empty");
    check(!domain.startsWith(".") && !domain.endsWith(".") && !domain.contains(".."),
        "domain " + quote(domain) + " has an empty label");
    String[] labels = domain.toLowerCase(Locale.ROOT).split("\\.");
    check(labels.length >= 2, "domain " + quote(domain) + " has a single label; an organization's domain has a dot");
    StringBuilder ascii = new StringBuilder();
    for (String label : labels) {
      String a = toAscii(label, domain);
      check(Checks.isDnsLabel(a), "domain " + quote(domain) + " has an invalid label " + quote(label)
          + ": 1–63 letters, digits or '-', not starting or ending with '-'");
      ascii.append(ascii.length() == 0 ? "" : ".").append(a);
    }
    String normalized = ascii.toString();
    check(normalized.length() <= MAX_DOMAIN, "domain " + quote(domain) + " is longer than 253 characters in punycode");
    String tld = labels[labels.length - 1];
    check(!tld.chars().allMatch(Character::isDigit), "domain " + quote(domain) + " is an IP address, not a domain");
    String registrable = PublicSuffixList.get().registrableDomain(normalized)
        .orElseThrow(() -> new InvalidSpecException(
            "domain " + quote(domain) + " is a public suffix, not an organization's domain"));
    return new EmailDomain(normalized, registrable);
  }

  private static String toAscii(String label, String domain) {
    if (label.chars().allMatch(c -> c < 0x80)) {
      return label; // plain ASCII: validated by the caller with a precise message
    }
    try {
      return IDN.toASCII(label, IDN.USE_STD3_ASCII_RULES);
    } catch (IllegalArgumentException e) {
      throw new InvalidSpecException(
          "domain " + quote(domain) + " has a label " + quote(label) + " that is not a valid internationalized name: "
              + e.getMessage());
    }
  }

  /** The org name derived from the registrable domain's first label (see {@link OrgName#fromEmail(String)}). */
  public OrgName orgName() {
    return OrgName.fromLabel(registrableDomain.substring(0, registrableDomain.indexOf('.')));
  }

  /** True when this domain, or its registrable domain, is in {@code sharedMailboxDomains}. */
  public boolean isShared(Set<String> sharedMailboxDomains) {
    return sharedMailboxDomains.contains(registrableDomain) || sharedMailboxDomains.contains(domain);
  }

  /** Throws {@link InvalidSpecException} when {@link #isShared(Set)}; the caller must then name the org itself. */
  public EmailDomain requireNotShared(Set<String> sharedMailboxDomains) {
    check(!isShared(sharedMailboxDomains), "domain " + quote(domain) + " is a shared mailbox provider ("
        + registrableDomain + "): its users are not one organization; name the org explicitly");
    return this;
  }

  @Override
  public String toString() {
    return domain;
  }
}
