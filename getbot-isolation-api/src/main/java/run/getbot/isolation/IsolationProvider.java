package run.getbot.isolation;

import java.util.List;
import java.util.Optional;

/**
 * Runs org containers on an isolation backend: real Incus ({@code getbot-isolation-incus}) or the in-memory fake
 * ({@code getbot-isolation-testkit}). Both pass the same contract suite, so code tested on the fake behaves the same on
 * Incus.
 *
 * <p>Rules every implementation follows:
 * <ul>
 *   <li>Input is validated before anything is sent: bad input throws {@link InvalidSpecException} and changes
 *       nothing.</li>
 *   <li>Operations are idempotent and safe to repeat after a crash.</li>
 *   <li>Only containers this SDK created are seen: {@link #find}, {@link #list} and every per-org call ignore other
 *       instances on the host (an unmanaged instance with an org's name is a {@link ConflictException} for
 *       {@link #provision} and "not found" for the rest).</li>
 *   <li>Implementations are thread-safe.</li>
 * </ul>
 */
public interface IsolationProvider extends AutoCloseable {

  /**
   * Creates the managed bridge, or accepts an existing one with the same subnet, gateway and NAT setting.
   *
   * @return {@link Change#CREATED} or {@link Change#UNCHANGED}
   * @throws ConflictException if a network with that name exists with other settings; it is never rewritten
   */
  Change ensureBridge(BridgeSpec bridge);

  /**
   * Creates the storage pool, or accepts an existing one with the same driver and source.
   *
   * @return {@link Change#CREATED} or {@link Change#UNCHANGED}
   * @throws ConflictException if a pool with that name exists with another driver or source
   */
  Change ensurePool(PoolSpec pool);

  /**
   * Deletes the bridge.
   *
   * @return true if it was deleted, false if there was none
   * @throws ConflictException if a container is still attached to it
   */
  boolean deleteBridge(String name);

  /**
   * Deletes the storage pool; its directory is left behind, empty.
   *
   * @return true if it was deleted, false if there was none
   * @throws ConflictException if a container still has its root disk in it
   */
  boolean deletePool(String name);

  /** Same as {@link #provision(OrgSpec, ProgressListener)} without progress events. */
  default OrgContainer provision(OrgSpec spec) {
    return provision(spec, ProgressListener.NONE);
  }

  /**
   * Creates the org's container and starts it, or converges an existing one: limits, flags and labels are updated in
   * place and a stopped container is started. It is never recreated, and keeps its address. A new container gets the
   * lowest free address of the bridge from {@link BridgeSpec#firstOrgAddress()} upwards, unique even under concurrent
   * callers. A new container reports the progress steps {@code create} and {@code start}.
   *
   * @return the container, running
   * @throws NotFoundException if the spec's bridge, pool or image does not exist
   * @throws ConflictException if the spec's bridge or pool exists with other settings, the org exists on another
   *     bridge or pool, an unmanaged instance has its name, or the bridge has no free address left
   */
  OrgContainer provision(OrgSpec spec, ProgressListener progress);

  /** The org's container, or empty if this SDK manages none by that name. */
  Optional<OrgContainer> find(OrgName org);

  /** Every container this SDK manages, sorted by name. */
  List<OrgContainer> list();

  /**
   * Starts the container; a running one is left as it is.
   *
   * @throws NotFoundException if the org has no container
   */
  OrgContainer start(OrgName org);

  /**
   * Stops the container, forcing it if it does not shut down promptly; a stopped one is left as it is.
   *
   * @throws NotFoundException if the org has no container
   */
  OrgContainer stop(OrgName org);

  /**
   * Stops the container if it runs, then starts it.
   *
   * @throws NotFoundException if the org has no container
   */
  OrgContainer restart(OrgName org);

  /**
   * Deletes the container and everything in it, stopping it first; its address becomes free.
   *
   * @return true if a container was deleted, false if there was none (deleting twice is not an error)
   */
  boolean delete(OrgName org);

  /**
   * Runs a command in the running container and waits for it to finish.
   *
   * @return exit code and output; a program that does not exist gives exit code 127
   * @throws NotFoundException if the org has no container
   * @throws ConflictException if the container is not running
   */
  ExecResult exec(OrgName org, ExecCommand command);

  /**
   * Writes a file into the container (running or stopped); its parent directory must exist. Owner and mode apply
   * when the file is created; overwriting an existing file keeps its owner and mode, as Incus does.
   *
   * @param path absolute path, see {@link ContainerPath#check}
   * @throws NotFoundException if the org has no container or the parent directory does not exist
   * @throws ConflictException if the path is a directory or a parent is a file
   */
  void pushFile(OrgName org, String path, byte[] content, FileAttributes attributes);

  /**
   * Reads a file from the container (running or stopped).
   *
   * @throws NotFoundException if the org has no container or the file does not exist
   * @throws ConflictException if the path is a directory
   */
  FileContent pullFile(OrgName org, String path);

  /**
   * Current CPU, memory and process figures; {@link ResourceUsage#NONE} while stopped.
   *
   * @throws NotFoundException if the org has no container
   */
  ResourceUsage usage(OrgName org);

  /** Releases connections and threads. The default does nothing. */
  @Override
  default void close() {}
}
