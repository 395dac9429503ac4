package run.getbot.isolation.testkit;

import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.OrgName;

/** What an {@link ExecHandler} gets for one {@code exec} call of the {@link InMemoryIsolationProvider}. */
public interface ExecContext {

  /** The org whose container runs the command; also its host name. */
  OrgName org();

  /** The command as the caller passed it. */
  ExecCommand command();

  /** The container's files, readable and writable. */
  ContainerFiles files();
}
