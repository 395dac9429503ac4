package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class SecurityFlagsTest {

  @Test
  void dockerTurnsAllThreeSettingsOn() {
    assertThat(SecurityFlags.DOCKER.nesting()).isTrue();
    assertThat(SecurityFlags.DOCKER.interceptMknod()).isTrue();
    assertThat(SecurityFlags.DOCKER.interceptSetxattr()).isTrue();
  }

  @Test
  void noneTurnsAllThreeSettingsOff() {
    assertThat(SecurityFlags.NONE).isEqualTo(new SecurityFlags(false, false, false));
  }

  @Test
  void thereIsNoPrivilegedComponent() {
    RecordComponent[] components = SecurityFlags.class.getRecordComponents();
    assertThat(Arrays.stream(components).map(RecordComponent::getName))
        .containsExactly("nesting", "interceptMknod", "interceptSetxattr")
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("privileged"));
  }

  @Test
  void thereIsNoPrivilegedMethodOrField() {
    assertThat(Arrays.stream(SecurityFlags.class.getDeclaredMethods()).map(m -> m.getName()))
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("privileged"));
    assertThat(Arrays.stream(SecurityFlags.class.getDeclaredFields()).map(f -> f.getName()))
        .noneMatch(name -> name.toLowerCase(Locale.ROOT).contains("privileged"));
  }
}
