package run.getbot.isolation;

/** What an idempotent "ensure" call did. */
public enum Change {
  /** The resource did not exist and was created. */
  CREATED,
  /** The resource existed and was changed to match the spec. */
  UPDATED,
  /** The resource already matched the spec; nothing was written. */
  UNCHANGED
}
