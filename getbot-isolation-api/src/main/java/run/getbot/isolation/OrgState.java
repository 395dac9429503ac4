package run.getbot.isolation;

/** The run state of an org container. */
public enum OrgState {
  /** Started; processes run. */
  RUNNING,
  /** Not running; its filesystem is kept. */
  STOPPED,
  /** Paused by the cgroup freezer. */
  FROZEN,
  /** The backend reports an error state. */
  ERROR
}
