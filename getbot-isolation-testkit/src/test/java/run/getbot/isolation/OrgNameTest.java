package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class OrgNameTest {

  private static OrgName from(String email) {
    return OrgName.fromEmail(email);
  }

  private static void assertRejected(String email, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> OrgName.fromEmail(email))
        .withMessageContaining(messageFragment);
  }

  // ---- fromEmail: derivation ---------------------------------------------------------------------------------------

  @Test
  void fromEmailTakesTheRegistrableDomainsFirstLabel() {
    assertThat(from("alice@acme.com")).isEqualTo(OrgName.of("acme"));
  }

  @Test
  void fromEmailLowerCasesAnUpperCaseAddress() {
    assertThat(from("Bob@ACME.COM").value()).isEqualTo("acme");
  }

  @Test
  void fromEmailIgnoresSubdomainsBelowTheRegistrableDomain() {
    assertThat(from("carol@eng.acme.com").value()).isEqualTo("acme");
  }

  @Test
  void fromEmailSkipsATwoLabelPublicSuffix() {
    assertThat(from("dave@acme.co.uk").value()).isEqualTo("acme");
  }

  @Test
  void fromEmailKeepsHyphensInsideTheLabel() {
    assertThat(from("erin@acme-labs.io").value()).isEqualTo("acme-labs");
  }

  @Test
  void fromEmailEncodesAnInternationalizedLabelAsPunycode() {
    assertThat(from("frank@bücher.de").value()).isEqualTo("xn--bcher-kva");
  }

  @Test
  void fromEmailAcceptsAPunycodeDomainAsTheSameOrgAsItsUnicodeForm() {
    assertThat(from("frank@xn--bcher-kva.de")).isEqualTo(from("frank@BÜCHER.de"));
  }

  @Test
  void fromEmailPrefixesALabelStartingWithADigitWithTheDocumentedDigitPrefix() {
    assertThat(OrgName.DIGIT_PREFIX).isEqualTo("org-");
    assertThat(from("x@123.com").value()).isEqualTo(OrgName.DIGIT_PREFIX + "123");
  }

  @Test
  void fromEmailCutsAPrefixedLongLabelTo63Characters() {
    OrgName name = from("x@" + "1".repeat(63) + ".com");
    assertThat(name.value()).isEqualTo("org-" + "1".repeat(59)).hasSize(63);
  }

  @Test
  void fromEmailCutsAPrefixedLabelThatWouldBeExactly64Characters() {
    assertThat(from("x@" + "7".repeat(59) + ".com").value()).isEqualTo("org-" + "7".repeat(59)).hasSize(63);
    assertThat(from("x@" + "7".repeat(60) + ".com").value()).isEqualTo("org-" + "7".repeat(59)).hasSize(63);
  }

  @Test
  void fromEmailCutsAPrefixedLongLabelWithoutLeavingATrailingHyphen() {
    // "org-" + 58 digits + "-" + ...: the 63rd character is the '-', which must not end the name
    String label = "1".repeat(58) + "-" + "2222";
    assertThat(label).hasSize(63);
    OrgName name = from("x@" + label + ".com");
    assertThat(name.value()).isEqualTo("org-" + "1".repeat(58)).hasSize(62).doesNotEndWith("-");
  }

  @Test
  void fromEmailCutsAPrefixedLongLabelWithoutLeavingSeveralTrailingHyphens() {
    String label = "1".repeat(57) + "--" + "2222";
    assertThat(label).hasSize(63);
    assertThat(from("x@" + label + ".com").value()).isEqualTo("org-" + "1".repeat(57));
  }

  @Test
  void fromEmailKeepsA63CharacterLabelStartingWithALetterWhole() {
    String label = "a" + "1".repeat(62);
    assertThat(from("x@" + label + ".com").value()).isEqualTo(label);
  }

  // ---- fromEmail: Public Suffix List -------------------------------------------------------------------------------

  @Test
  void pslWildcardRuleMakesEveryChildOfCkAPublicSuffix() {
    // *.ck: foo.ck is a public suffix, bar.foo.ck is registrable
    assertRejected("a@foo.ck", "is a public suffix");
    assertThat(from("a@bar.foo.ck").value()).isEqualTo("bar");
    assertThat(from("a@eng.bar.foo.ck").value()).isEqualTo("bar");
  }

  @Test
  void pslExceptionRuleMakesWwwCkRegistrable() {
    // !www.ck overrides *.ck
    assertThat(from("a@www.ck").value()).isEqualTo("www");
    assertThat(from("a@mail.www.ck").value()).isEqualTo("www");
  }

  @Test
  void pslWildcardRuleUnderASecondLevelSuffix() {
    // *.kawasaki.jp
    assertRejected("a@foo.kawasaki.jp", "is a public suffix");
    assertThat(from("a@bar.foo.kawasaki.jp").value()).isEqualTo("bar");
  }

  @Test
  void pslExceptionRuleUnderAWildcardOfASecondLevelSuffix() {
    // !city.kawasaki.jp overrides *.kawasaki.jp
    assertThat(from("a@city.kawasaki.jp").value()).isEqualTo("city");
    assertThat(from("a@www.city.kawasaki.jp").value()).isEqualTo("city");
  }

  @Test
  void pslPrivateSectionSuffixIsHonoured() {
    assertThat(from("x@foo.github.io").value()).isEqualTo("foo");
    assertRejected("x@github.io", "is a public suffix");
  }

  @Test
  void unlistedTopLevelDomainFollowsTheImplicitStarRule() {
    assertThat(from("x@eng.acme.internal").value()).isEqualTo("acme");
    assertThat(from("x@a.b.c.d.zzunlisted").value()).isEqualTo("d");
  }

  @Test
  void unicodeTopLevelDomainIsMatchedInPunycode() {
    assertThat(from("x@пример.рф").value()).isEqualTo("xn--e1afmkfd");
    assertThat(from("x@mail.пример.рф").value()).isEqualTo("xn--e1afmkfd");
    assertThat(from("x@例子.中国").value()).isEqualTo("xn--fsqu00a");
  }

  @Test
  void unicodeSecondLevelPublicSuffixIsMatchedInPunycode() {
    // 公司.香港 is a rule of its own: its child is the registrable domain, and it is a public suffix itself
    assertThat(from("x@acme.公司.香港").value()).isEqualTo("acme");
    assertRejected("x@公司.香港", "is a public suffix");
  }

  // ---- fromEmail: shared mailbox providers -------------------------------------------------------------------------

  static Stream<String> sharedMailboxDomains() {
    return OrgName.SHARED_MAILBOX_DOMAINS.stream().sorted();
  }

  @ParameterizedTest
  @MethodSource("sharedMailboxDomains")
  void fromEmailRefusesEverySharedMailboxDomain(String domain) {
    assertRejected("someone@" + domain, "is a shared mailbox provider (" + domain + ")");
    // refused for being shared, not for being malformed: without the list it is accepted
    assertThat(OrgName.fromEmail("someone@" + domain, Set.of())).isNotNull();
  }

  @Test
  void fromEmailRefusesASubdomainOfASharedMailboxDomain() {
    assertRejected("x@mail.yahoo.com", "is a shared mailbox provider (yahoo.com)");
  }

  @Test
  void fromEmailWithAnEmptySharedSetAcceptsGmail() {
    assertThat(OrgName.fromEmail("alice@gmail.com", Set.of()).value()).isEqualTo("gmail");
  }

  @Test
  void fromEmailWithACustomSharedSetRefusesItsDomainAndAllowsTheDefaultOnes() {
    Set<String> custom = Set.of("acme.com");
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> OrgName.fromEmail("alice@eng.acme.com", custom))
        .withMessageContaining("is a shared mailbox provider (acme.com)");
    assertThat(OrgName.fromEmail("alice@gmail.com", custom).value()).isEqualTo("gmail");
  }

  // ---- fromEmail: malformed input ----------------------------------------------------------------------------------

  @Test
  void fromEmailRejectsAnAddressWithoutAt() {
    assertRejected("not-an-email", "has no '@'");
  }

  @Test
  void fromEmailRejectsAnEmptyDomain() {
    assertRejected("a@", "has an empty domain after '@'");
  }

  @Test
  void fromEmailRejectsAnEmptyLocalPart() {
    assertRejected("@b.com", "has an empty local part before '@'");
  }

  @Test
  void fromEmailRejectsAnEmptyString() {
    assertRejected("", "has no '@'");
  }

  @Test
  void fromEmailRejectsASingleLabelDomain() {
    assertRejected("a@b", "has a single label");
  }

  @Test
  void fromEmailRejectsALeadingEmptyLabel() {
    assertRejected("a@.com", "empty label");
  }

  @Test
  void fromEmailRejectsALabelStartingWithAHyphen() {
    assertRejected("a@-x.com", "has an invalid label '-x'");
  }

  @Test
  void fromEmailRejectsALabelEndingWithAHyphen() {
    assertRejected("a@x-.com", "has an invalid label 'x-'");
  }

  @Test
  void fromEmailRejectsConsecutiveDots() {
    assertRejected("a@x..com", "empty label");
  }

  @Test
  void fromEmailRejectsATrailingDot() {
    assertRejected("a@acme.com.", "empty label");
  }

  @Test
  void fromEmailRejectsWhitespaceInTheDomain() {
    assertRejected("a@exa mple.com", "contains whitespace");
  }

  @Test
  void fromEmailRejectsWhitespaceInTheLocalPart() {
    assertRejected("a b@example.com", "contains whitespace");
  }

  @Test
  void fromEmailRejectsAnUnderscoreInTheDomain() {
    assertRejected("a@a_b.com", "has an invalid label 'a_b'");
  }

  @Test
  void fromEmailRejectsALabelLongerThan63Characters() {
    assertRejected("a@" + "a".repeat(64) + ".com", "has an invalid label");
  }

  @Test
  void fromEmailRejectsADomainOf300Characters() {
    String domain = "abcdefghi.".repeat(29) + "acme.com"; // 298 characters of valid labels
    assertThat(domain.length()).isGreaterThan(253);
    assertRejected("a@" + domain, "longer than 253");
  }

  @Test
  void fromEmailRejectsADomainLongerThan253CharactersInPunycode() {
    String label = "中文域名测试例子网站公司集团有限"; // 16 characters, 54 in punycode
    String domain = (label + ".").repeat(5) + "de"; // 87 characters, 277 in punycode
    assertThat(domain.length()).isLessThanOrEqualTo(253);
    assertRejected("a@" + domain, "longer than 253 characters in punycode");
  }

  @Test
  void fromEmailRejectsANulCharacter() {
    assertRejected("a@ac\0me.com", "contains a control character (U+0000) at index 4");
  }

  @Test
  void fromEmailRejectsCrLf() {
    assertRejected("a@acme.com\r\nBcc: x@y.com", "contains a control character (U+000D) at index 10");
  }

  @Test
  void fromEmailRejectsALineFeedAlone() {
    assertRejected("a@acme.com\n", "contains a control character (U+000A)");
  }

  @Test
  void fromEmailRejectsATab() {
    assertRejected("a\t@acme.com", "contains a control character (U+0009) at index 1");
  }

  @Test
  void fromEmailRejectsAPublicSuffixItself() {
    assertRejected("a@co.uk", "'co.uk' is a public suffix, not an organization's domain");
  }

  @Test
  void fromEmailRejectsAnIpv4AddressAsDomain() {
    assertRejected("a@192.168.1.10", "is an IP address, not a domain");
  }

  @Test
  void fromEmailRejectsABracketedIpLiteral() {
    // RFC 5321 address literal: not a domain; refused (as an invalid label)
    assertRejected("a@[192.168.1.10]", "has an invalid label '[192'");
  }

  @Test
  void fromEmailRejectsABracketedIpv6Literal() {
    assertRejected("a@[::1]", "has a single label");
  }

  @Test
  void fromEmailRejectsNull() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> OrgName.fromEmail(null));
  }

  // ---- of: validation ----------------------------------------------------------------------------------------------

  @Test
  void ofRejectsAnEmptyName() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of(""))
        .withMessage("org name is empty");
  }

  @Test
  void ofRejects64Characters() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("a".repeat(64)))
        .withMessageContaining("is longer than 63 characters");
  }

  @Test
  void ofAccepts63Characters() {
    String value = "a" + "b1-".repeat(20) + "z2";
    assertThat(value).hasSize(63);
    assertThat(OrgName.of(value).value()).isEqualTo(value);
  }

  @Test
  void ofRejectsUpperCase() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("Acme"))
        .withMessageContaining("'Acme' must be lower-case");
  }

  @Test
  void ofRejectsALeadingDigit() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("1acme"))
        .withMessageContaining("'1acme' must start with a letter");
  }

  @Test
  void ofRejectsALeadingHyphen() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("-acme"))
        .withMessageContaining("must start with a letter");
  }

  @Test
  void ofRejectsATrailingHyphen() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("acme-"))
        .withMessageContaining("'acme-' may contain only a-z, 0-9 and '-', and must not end with '-'");
  }

  @ParameterizedTest
  @ValueSource(strings = {"ac_me", "ac.me", "ac me", "acmé"})
  void ofRejectsCharactersOutsideLowerCaseLettersDigitsAndHyphen(String value) {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of(value))
        .withMessageContaining("may contain only a-z, 0-9 and '-'");
  }

  @Test
  void ofRejectsAnUnderscore() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("acme_labs"))
        .withMessageContaining("'acme_labs' may contain only a-z, 0-9 and '-'");
  }

  @Test
  void ofRejectsADot() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> OrgName.of("acme.com"))
        .withMessageContaining("'acme.com' may contain only a-z, 0-9 and '-'");
  }

  @Test
  void ofAcceptsHyphensAndDigitsInside() {
    assertThat(OrgName.of("a1-b2").toString()).isEqualTo("a1-b2");
  }

  @Test
  void orgNamesCompareByValue() {
    assertThat(OrgName.of("acme")).isLessThan(OrgName.of("beta"));
    assertThat(OrgName.of("acme")).isEqualTo(new OrgName("acme")).hasSameHashCodeAs(new OrgName("acme"));
  }
}
