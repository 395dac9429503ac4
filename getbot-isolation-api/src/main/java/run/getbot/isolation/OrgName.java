package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import run.getbot.isolation.internal.Checks;

/**
 * The name of an organization, used as its container's name and its host label: 1–63 characters of {@code a-z0-9-},
 * starting with a letter and not ending with {@code -}.
 *
 * <p>{@link #fromEmail(String)} derives it from an email address's registrable domain:
 * {@code alice@acme.com → acme}, {@code dave@acme.co.uk → acme}, {@code frank@bücher.de → xn--bcher-kva}.
 */
public record OrgName(String value) implements Comparable<OrgName> {

  /**
   * Mailbox providers whose users are strangers to each other; {@link #fromEmail(String)} refuses them, since deriving
   * {@code gmail} would put every Gmail user in one container. Pass your own set to
   * {@link #fromEmail(String, Set)} to change it.
   */
  public static final Set<String> SHARED_MAILBOX_DOMAINS = Set.of(
      "gmail.com", "googlemail.com", "outlook.com", "hotmail.com", "live.com", "yahoo.com", "icloud.com", "me.com",
      "proton.me", "protonmail.com", "gmx.de", "gmx.net", "web.de", "mail.ru", "yandex.ru", "qq.com", "163.com",
      "aol.com", "zoho.com");

  /** Prefix put before a derived name that would otherwise not start with a letter ({@code 123.com → org-123}). */
  public static final String DIGIT_PREFIX = "org-";

  /** Validates {@code value}; see {@link #of(String)}. */
  public OrgName {
    Objects.requireNonNull(value, "value");
    check(!value.isEmpty(), "org name is empty");
    check(value.length() <= 63, "org name " + quote(value) + " is longer than 63 characters");
    check(value.equals(value.toLowerCase(Locale.ROOT)), "org name " + quote(value) + " must be lower-case");
    check(value.charAt(0) >= 'a' && value.charAt(0) <= 'z', "org name " + quote(value) + " must start with a letter");
    check(Checks.isDnsLabel(value),
        "org name " + quote(value) + " may contain only a-z, 0-9 and '-', and must not end with '-'");
  }

  /** Returns the org name {@code value}, or throws {@link InvalidSpecException} saying what is wrong with it. */
  public static OrgName of(String value) {
    return new OrgName(value);
  }

  /**
   * Derives the org name from an email address: the label left of the domain's public suffix (Public Suffix List,
   * ICANN and private sections), lower-cased, internationalized labels in punycode. A label that does not start with
   * a letter gets {@link #DIGIT_PREFIX} ({@code x@123.com → org-123}), cut to 63 characters.
   *
   * @throws InvalidSpecException if the address is malformed, its domain is a public suffix, or it belongs to one of
   *     the {@link #SHARED_MAILBOX_DOMAINS}
   */
  public static OrgName fromEmail(String email) {
    return fromEmail(email, SHARED_MAILBOX_DOMAINS);
  }

  /** As {@link #fromEmail(String)}, refusing the given registrable domains instead of the default list. */
  public static OrgName fromEmail(String email, Set<String> sharedMailboxDomains) {
    EmailDomain domain = EmailDomain.ofEmail(email);
    domain.requireNotShared(sharedMailboxDomains);
    return domain.orgName();
  }

  /** Builds an org name from a registrable domain's first label, applying the digit rule. */
  static OrgName fromLabel(String label) {
    String name = label.charAt(0) >= 'a' && label.charAt(0) <= 'z' ? label : DIGIT_PREFIX + label;
    if (name.length() > 63) {
      name = name.substring(0, 63);
    }
    while (name.endsWith("-")) {
      name = name.substring(0, name.length() - 1);
    }
    return new OrgName(name);
  }

  @Override
  public int compareTo(OrgName other) {
    return value.compareTo(other.value);
  }

  @Override
  public String toString() {
    return value;
  }
}
