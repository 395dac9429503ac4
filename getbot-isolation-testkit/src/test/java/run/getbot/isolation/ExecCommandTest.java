package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ExecCommandTest {

  private static final String SECRET = "sk_live_9f8e7d6c5b4a3210-TOP-SECRET";

  @Test
  void shellRunsTheScriptWithBinShDashC() {
    ExecCommand cmd = ExecCommand.shell("echo hi && id");
    assertThat(cmd.argv()).containsExactly("/bin/sh", "-c", "echo hi && id");
    assertThat(cmd.environment()).isEmpty();
    assertThat(cmd.cwd()).isEmpty();
  }

  @Test
  void withEnvAddsAVariableAndLeavesTheOriginal() {
    ExecCommand base = ExecCommand.of("env");
    ExecCommand cmd = base.withEnv("B", "2").withEnv("A", "1");
    assertThat(cmd.environment()).containsExactly(Map.entry("A", "1"), Map.entry("B", "2"));
    assertThat(base.environment()).isEmpty();
  }

  @Test
  void withEnvReplacesAnExistingVariable() {
    assertThat(ExecCommand.of("env").withEnv("A", "1").withEnv("A", "2").environment())
        .containsExactly(Map.entry("A", "2"));
  }

  @Test
  void withCwdSetsAnAbsoluteDirectoryAndKeepsTheRest() {
    ExecCommand cmd = ExecCommand.of("ls").withEnv("A", "1").withCwd("/srv/app");
    assertThat(cmd.cwd()).contains("/srv/app");
    assertThat(cmd.environment()).containsEntry("A", "1");
    assertThat(cmd.argv()).containsExactly("ls");
  }

  @Test
  void rejectsInvalidEnvironmentNames() {
    for (String name : new String[] {"1ABC", "A-B", "A=B", "", "A B", "ÄB"}) {
      assertThatExceptionOfType(InvalidSpecException.class).as(name)
          .isThrownBy(() -> ExecCommand.of("env").withEnv(name, "v"))
          .withMessageContaining("must match [A-Za-z_][A-Za-z0-9_]*");
    }
  }

  @Test
  void acceptsUnderscoreAndMixedCaseEnvironmentNames() {
    assertThat(ExecCommand.of("env").withEnv("_my_Var2", "v").environment()).containsKey("_my_Var2");
  }

  @Test
  void rejectsANulInAnEnvironmentValue() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> ExecCommand.of("env").withEnv("A", "x\0y"))
        .withMessageContaining("environment variable A has no value or contains NUL");
  }

  @Test
  void rejectsARelativeWorkingDirectory() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of("ls").withCwd("srv/app"))
        .withMessageContaining("working directory 'srv/app' must be absolute");
  }

  @Test
  void rejectsAnEmptyWorkingDirectoryWithInvalidSpecException() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of("ls").withCwd(""))
        .withMessageContaining("must be absolute");
  }

  @Test
  void rejectsControlCharactersInTheWorkingDirectory() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of("ls").withCwd("/tmp\n"))
        .withMessageContaining("working directory contains a control character (U+000A)");
  }

  @Test
  void rejectsANulInAnArgument() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of("echo", "a\0b"))
        .withMessageContaining("contains a NUL character");
  }

  @Test
  void rejectsAnEmptyCommand() {
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of())
        .withMessage("a command needs a program to run");
    assertThatExceptionOfType(InvalidSpecException.class).isThrownBy(() -> ExecCommand.of("", "x"))
        .withMessage("a command needs a program to run");
  }

  @Test
  void argvIsCopiedAndImmutable() {
    List<String> argv = new ArrayList<>(List.of("echo", "a"));
    ExecCommand cmd = new ExecCommand(argv, Map.of(), Optional.empty());
    argv.set(1, "b");
    assertThat(cmd.argv()).containsExactly("echo", "a");
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> cmd.argv().add("x"));
    assertThatExceptionOfType(UnsupportedOperationException.class)
        .isThrownBy(() -> cmd.environment().put("X", "y"));
  }

  @Test
  void toStringNeverContainsAnEnvironmentValue() {
    ExecCommand cmd = ExecCommand.shell("deploy").withEnv("API_TOKEN", SECRET).withEnv("DB_PASSWORD", "hunter2-pw")
        .withCwd("/srv");
    String s = cmd.toString();
    assertThat(s).doesNotContain(SECRET).doesNotContain("hunter2-pw").doesNotContain("sk_live");
    assertThat(s).contains("API_TOKEN").contains("DB_PASSWORD").contains("values hidden").contains("deploy")
        .contains("cwd=/srv");
  }

  @Test
  void recordComponentsStillExposeTheValuesToTheBackend() {
    assertThat(ExecCommand.of("env").withEnv("API_TOKEN", SECRET).environment()).containsEntry("API_TOKEN", SECRET);
  }
}
