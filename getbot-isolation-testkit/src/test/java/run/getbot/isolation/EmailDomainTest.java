package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.Set;
import org.junit.jupiter.api.Test;

class EmailDomainTest {

  @Test
  void ofEmailKeepsTheFullDomainAndDerivesTheRegistrableDomain() {
    EmailDomain d = EmailDomain.ofEmail("carol@Eng.ACME.co.uk");
    assertThat(d.domain()).isEqualTo("eng.acme.co.uk");
    assertThat(d.registrableDomain()).isEqualTo("acme.co.uk");
    assertThat(d.orgName()).isEqualTo(OrgName.of("acme"));
    assertThat(d).hasToString("eng.acme.co.uk");
  }

  @Test
  void ofNormalizesInternationalizedLabelsToPunycode() {
    EmailDomain d = EmailDomain.of("mail.Bücher.de");
    assertThat(d.domain()).isEqualTo("mail.xn--bcher-kva.de");
    assertThat(d.registrableDomain()).isEqualTo("xn--bcher-kva.de");
  }

  @Test
  void twoAddressesOfOneOrganizationHaveEqualRegistrableDomains() {
    assertThat(EmailDomain.ofEmail("a@eng.acme.com").registrableDomain())
        .isEqualTo(EmailDomain.ofEmail("b@ACME.com").registrableDomain());
  }

  @Test
  void constructorRejectsARegistrableDomainThatIsNoParent() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new EmailDomain("eng.acme.com", "other.com"))
        .withMessageContaining("'other.com' is not a parent of 'eng.acme.com'");
    // a mere string suffix is no parent either
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> new EmailDomain("notacme.com", "acme.com"));
  }

  @Test
  void isSharedMatchesTheRegistrableDomainOrTheFullDomain() {
    EmailDomain d = EmailDomain.of("mail.yahoo.com");
    assertThat(d.isShared(Set.of("yahoo.com"))).isTrue();
    assertThat(d.isShared(Set.of("mail.yahoo.com"))).isTrue();
    assertThat(d.isShared(Set.of("gmail.com"))).isFalse();
    assertThat(d.requireNotShared(Set.of())).isSameAs(d);
  }

  @Test
  void ofRejectsAnEmptyDomainWithInvalidSpecException() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> EmailDomain.of(""))
        .withMessage("domain is empty");
  }
}
