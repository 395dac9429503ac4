package run.getbot.isolation;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What an org's container should look like. {@link IsolationProvider#provision} creates it or converges an existing
 * one to it. Build one with {@link #of} or {@link #builder}.
 *
 * @param org the org, which is also the container's name
 * @param image the image to create the container from; ignored when the container exists
 * @param limits CPU and memory limits
 * @param flags security settings
 * @param labels free-form labels (see {@link Labels#copyOf})
 * @param bridge the bridge the container's {@code eth0} is attached to; must exist
 * @param pool the storage pool for its root disk; must exist
 */
public record OrgSpec(OrgName org, ImageRef image, ResourceLimits limits, SecurityFlags flags,
                      Map<String, String> labels, BridgeSpec bridge, PoolSpec pool) {

  /** Validates and copies the labels. */
  public OrgSpec {
    Objects.requireNonNull(org, "org");
    Objects.requireNonNull(image, "image");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(flags, "flags");
    labels = Labels.copyOf(labels);
    Objects.requireNonNull(bridge, "bridge");
    Objects.requireNonNull(pool, "pool");
  }

  /** The product's spec: default limits, Docker flags, default bridge and pool, no labels. */
  public static OrgSpec of(OrgName org, ImageRef image) {
    return builder(org, image).build();
  }

  /** A builder starting from the product's defaults. */
  public static Builder builder(OrgName org, ImageRef image) {
    return new Builder(org, image);
  }

  /** A builder starting from this spec. */
  public Builder toBuilder() {
    return new Builder(org, image).limits(limits).flags(flags).labels(labels).bridge(bridge).pool(pool);
  }

  /** Builds an {@link OrgSpec}; every part but the org and image has the product's default. */
  public static final class Builder {
    private final OrgName org;
    private ImageRef image;
    private ResourceLimits limits = ResourceLimits.DEFAULT;
    private SecurityFlags flags = SecurityFlags.DOCKER;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private BridgeSpec bridge = BridgeSpec.DEFAULT;
    private PoolSpec pool = PoolSpec.DEFAULT;

    private Builder(OrgName org, ImageRef image) {
      this.org = Objects.requireNonNull(org, "org");
      this.image = Objects.requireNonNull(image, "image");
    }

    /** Sets the image. */
    public Builder image(ImageRef image) {
      this.image = Objects.requireNonNull(image, "image");
      return this;
    }

    /** Sets the limits. */
    public Builder limits(ResourceLimits limits) {
      this.limits = Objects.requireNonNull(limits, "limits");
      return this;
    }

    /** Sets the security flags. */
    public Builder flags(SecurityFlags flags) {
      this.flags = Objects.requireNonNull(flags, "flags");
      return this;
    }

    /** Adds or replaces one label. */
    public Builder label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    /** Replaces all labels. */
    public Builder labels(Map<String, String> labels) {
      this.labels.clear();
      this.labels.putAll(labels);
      return this;
    }

    /** Sets the bridge. */
    public Builder bridge(BridgeSpec bridge) {
      this.bridge = Objects.requireNonNull(bridge, "bridge");
      return this;
    }

    /** Sets the pool. */
    public Builder pool(PoolSpec pool) {
      this.pool = Objects.requireNonNull(pool, "pool");
      return this;
    }

    /** Validates and builds the spec. */
    public OrgSpec build() {
      return new OrgSpec(org, image, limits, flags, labels, bridge, pool);
    }
  }
}
