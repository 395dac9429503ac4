package run.getbot.isolation.testkit;

import run.getbot.isolation.OrgContainer;

/**
 * AssertJ entry points for the SDK's values: {@code IsolationAssertions.assertThat(container).isRunning()}. Import
 * statically next to (or instead of) {@code org.assertj.core.api.Assertions.assertThat}.
 */
public final class IsolationAssertions {

  private IsolationAssertions() {}

  /** Assertions about an org container snapshot. */
  public static OrgContainerAssert assertThat(OrgContainer actual) {
    return new OrgContainerAssert(actual);
  }
}
