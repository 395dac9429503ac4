package run.getbot.isolation;

/** Receives {@link ProgressEvent}s on the thread that runs the operation. Must not block for long. */
@FunctionalInterface
public interface ProgressListener {

  /** Ignores every event. */
  ProgressListener NONE = event -> {};

  /** Called once per event, in order. */
  void onProgress(ProgressEvent event);
}
