package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MemorySizeTest {

  private static void assertRejected(String text, String messageFragment) {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> MemorySize.parse(text))
        .withMessageContaining(messageFragment);
  }

  @Test
  void threeGbIsThreeBillionBytes() {
    assertThat(MemorySize.parse("3GB").bytes()).isEqualTo(3_000_000_000L);
    assertThat(MemorySize.gigabytes(3).bytes()).isEqualTo(3_000_000_000L);
  }

  @Test
  void threeGibIsThreeTimesTwoToTheThirtiethBytes() {
    assertThat(MemorySize.parse("3GiB").bytes()).isEqualTo(3_221_225_472L);
    assertThat(MemorySize.gibibytes(3).bytes()).isEqualTo(3_221_225_472L);
  }

  @Test
  void threeGbAndThreeGibAreDifferentSizes() {
    assertThat(MemorySize.parse("3GB")).isNotEqualTo(MemorySize.parse("3GiB"));
    assertThat(MemorySize.parse("3GB")).isLessThan(MemorySize.parse("3GiB"));
  }

  @Test
  void everyUnitHasItsFactor() {
    assertThat(MemorySize.parse("7B").bytes()).isEqualTo(7L);
    assertThat(MemorySize.parse("7kB").bytes()).isEqualTo(7_000L);
    assertThat(MemorySize.parse("7KiB").bytes()).isEqualTo(7L << 10);
    assertThat(MemorySize.parse("7MB").bytes()).isEqualTo(7_000_000L);
    assertThat(MemorySize.parse("7MiB").bytes()).isEqualTo(7L << 20);
    assertThat(MemorySize.parse("7TB").bytes()).isEqualTo(7_000_000_000_000L);
    assertThat(MemorySize.parse("7TiB").bytes()).isEqualTo(7L << 40);
    assertThat(MemorySize.parse("7PB").bytes()).isEqualTo(7_000_000_000_000_000L);
    assertThat(MemorySize.parse("7PiB").bytes()).isEqualTo(7L << 50);
    assertThat(MemorySize.parse("7EB").bytes()).isEqualTo(7_000_000_000_000_000_000L);
    assertThat(MemorySize.parse("7EiB").bytes()).isEqualTo(7L << 60);
  }

  @ParameterizedTest(name = "{0} formats as {1}")
  @CsvSource({
      "3GB, 3GB",
      "3GiB, 3GiB",
      "1536MiB, 1536MiB",
      "1500MB, 1500MB",
      "1000B, 1kB",
      "1024, 1KiB",
      "123, 123B",
      "3000MB, 3GB",
      "3072MiB, 3GiB",
      "10112kB, 10112kB",
      "9875KiB, 10112kB",
  })
  void formatIsTheShortestExactForm(String text, String formatted) {
    MemorySize size = MemorySize.parse(text);
    assertThat(size.format()).isEqualTo(formatted);
    assertThat(size).hasToString(formatted);
    assertThat(MemorySize.parse(size.format())).isEqualTo(size);
  }

  @Test
  void formatPrefersTheDecimalUnitWhenBothFormsAreEquallyShort() {
    MemorySize size = MemorySize.ofBytes(10_112_000L); // 10112kB and 9875KiB: seven characters each
    assertThat(MemorySize.parse("9875KiB")).isEqualTo(size);
    assertThat(size.format()).isEqualTo("10112kB");
  }

  @Test
  void mebibytesFactoryFormatsInMebibytes() {
    assertThat(MemorySize.mebibytes(1536).format()).isEqualTo("1536MiB");
  }

  @Test
  void bareNumberIsBytes() {
    assertThat(MemorySize.parse("1024")).isEqualTo(MemorySize.ofBytes(1024));
  }

  @Test
  void rejectsTheAbbreviatedUnitG() {
    assertRejected("3G", "has an unknown unit 'G'");
  }

  @Test
  void rejectsALowerCaseUnit() {
    assertRejected("3gb", "has an unknown unit 'gb'");
  }

  @Test
  void rejectsASpaceBeforeTheUnit() {
    assertRejected("3 GB", "has an unknown unit ' GB'");
  }

  @Test
  void rejectsANegativeSize() {
    assertRejected("-1GB", "must start with a whole number");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> MemorySize.ofBytes(-5))
        .withMessageContaining("must be positive, got -5 bytes");
  }

  @Test
  void rejectsZero() {
    assertRejected("0", "must be positive, got 0 bytes");
    assertRejected("0GiB", "must be positive");
  }

  @Test
  void rejectsAnOverflowingProduct() {
    assertRejected("8EiB", "is too large");
    assertRejected("10EB", "is too large");
  }

  @Test
  void rejectsANumberBeyondLong() {
    assertRejected("9223372036854775808", "is too large");
    assertRejected("99999999999999999999999GB", "is too large");
  }

  @Test
  void acceptsTheLargestLong() {
    assertThat(MemorySize.parse("9223372036854775807").bytes()).isEqualTo(Long.MAX_VALUE);
  }

  @Test
  void rejectsADecimal() {
    assertRejected("1.5GB", "memory size '1.5GB' has an unknown unit '.5GB'");
  }

  @Test
  void rejectsEmptyAndNonNumericText() {
    assertRejected("", "must start with a whole number");
    assertRejected("GB", "must start with a whole number");
    assertRejected("１GB", "must start with a whole number"); // fullwidth digit
  }

  @Test
  void rejectsNull() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> MemorySize.parse(null));
  }
}
