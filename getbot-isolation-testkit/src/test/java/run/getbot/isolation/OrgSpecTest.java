package run.getbot.isolation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OrgSpecTest {

  private static final OrgName ACME = OrgName.of("acme");
  private static final ImageRef IMAGE = ImageRef.alias("getbot-busybox");

  @Test
  void ofUsesTheProductDefaults() {
    OrgSpec spec = OrgSpec.of(ACME, IMAGE);
    assertThat(spec.org()).isEqualTo(ACME);
    assertThat(spec.image()).isEqualTo(IMAGE);
    assertThat(spec.limits()).isEqualTo(ResourceLimits.DEFAULT);
    assertThat(spec.flags()).isEqualTo(SecurityFlags.DOCKER);
    assertThat(spec.bridge()).isEqualTo(BridgeSpec.DEFAULT);
    assertThat(spec.pool()).isEqualTo(PoolSpec.DEFAULT);
    assertThat(spec.labels()).isEmpty();
  }

  @Test
  void builderSetsEveryPart() {
    ResourceLimits limits = ResourceLimits.of(4, MemorySize.parse("8GiB"));
    BridgeSpec bridge = BridgeSpec.of("br1", "10.1.0.0/24");
    PoolSpec pool = PoolSpec.dir("other", Path.of("/srv/pool"));
    ImageRef image = ImageRef.fingerprint("0123456789ab");
    OrgSpec spec = OrgSpec.builder(ACME, IMAGE)
        .image(image).limits(limits).flags(SecurityFlags.NONE).bridge(bridge).pool(pool)
        .label("team", "core").label("tier", "gold")
        .build();
    assertThat(spec).isEqualTo(new OrgSpec(ACME, image, limits, SecurityFlags.NONE,
        Map.of("team", "core", "tier", "gold"), bridge, pool));
  }

  @Test
  void builderLabelsReplacesAllLabels() {
    OrgSpec spec = OrgSpec.builder(ACME, IMAGE).label("old", "1").labels(Map.of("new", "2")).build();
    assertThat(spec.labels()).containsExactly(Map.entry("new", "2"));
  }

  @Test
  void toBuilderRoundTripsAndCopies() {
    OrgSpec original = OrgSpec.builder(ACME, IMAGE).label("team", "core")
        .limits(ResourceLimits.DEFAULT.withCpus(3)).build();
    assertThat(original.toBuilder().build()).isEqualTo(original);
    OrgSpec changed = original.toBuilder().label("tier", "gold").flags(SecurityFlags.NONE).build();
    assertThat(changed.labels()).containsOnlyKeys("team", "tier");
    assertThat(changed.flags()).isEqualTo(SecurityFlags.NONE);
    assertThat(changed.limits().cpus()).isEqualTo(3);
    assertThat(original.labels()).containsOnlyKeys("team");
    assertThat(original.flags()).isEqualTo(SecurityFlags.DOCKER);
  }

  @Test
  void labelsMapIsImmutable() {
    OrgSpec spec = OrgSpec.builder(ACME, IMAGE).label("team", "core").build();
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> spec.labels().put("x", "y"));
    assertThatExceptionOfType(UnsupportedOperationException.class).isThrownBy(() -> spec.labels().clear());
  }

  @Test
  void labelsAreCopiedFromTheCallersMap() {
    Map<String, String> labels = new HashMap<>(Map.of("team", "core"));
    OrgSpec spec = new OrgSpec(ACME, IMAGE, ResourceLimits.DEFAULT, SecurityFlags.DOCKER, labels,
        BridgeSpec.DEFAULT, PoolSpec.DEFAULT);
    labels.put("team", "changed");
    assertThat(spec.labels()).containsExactly(Map.entry("team", "core"));
  }

  @Test
  void builderAfterBuildDoesNotChangeTheBuiltSpec() {
    OrgSpec.Builder builder = OrgSpec.builder(ACME, IMAGE).label("team", "core");
    OrgSpec first = builder.build();
    builder.label("team", "other");
    assertThat(first.labels()).containsEntry("team", "core");
  }

  @Test
  void buildValidatesLabels() {
    assertThatExceptionOfType(InvalidSpecException.class)
        .isThrownBy(() -> OrgSpec.builder(ACME, IMAGE).label("Bad Key", "v").build())
        .withMessageContaining("label key 'Bad Key'");
  }

  @Test
  void builderRequiresOrgAndImage() {
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> OrgSpec.builder(null, IMAGE));
    assertThatExceptionOfType(NullPointerException.class).isThrownBy(() -> OrgSpec.builder(ACME, null));
  }
}
