package run.getbot.isolation.testkit;

import java.util.List;
import java.util.Optional;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ContainerPath;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.NotFoundException;

/**
 * The filesystem of one in-memory org container, as an {@link ExecHandler} sees it. Paths are absolute: {@code /} or a
 * path accepted by {@link ContainerPath#check}; anything else throws {@link InvalidSpecException}. There are regular
 * files and directories only (no symlinks, devices or timestamps). Thread-safe.
 */
public interface ContainerFiles {

  /** True when {@code path} is a directory. */
  boolean isDirectory(String path);

  /** True when {@code path} is a regular file. */
  boolean isFile(String path);

  /** The file's bytes and attributes, or empty when {@code path} is not a regular file. */
  Optional<FileContent> read(String path);

  /**
   * Creates or replaces a regular file. {@code attributes} apply only when the file is created; replacing an existing
   * file keeps its owner and mode.
   *
   * @throws NotFoundException if the parent directory does not exist
   * @throws ConflictException if {@code path} is a directory or its parent is a file
   */
  void write(String path, byte[] content, FileAttributes attributes);

  /**
   * Appends to a regular file, creating it with {@code attributes} when it does not exist.
   *
   * @throws NotFoundException if the parent directory does not exist
   * @throws ConflictException if {@code path} is a directory or its parent is a file
   */
  void append(String path, byte[] content, FileAttributes attributes);

  /**
   * Creates a directory owned by root with mode {@code 0755}.
   *
   * @return true if it was created, false if it already was a directory
   * @throws NotFoundException if the parent directory does not exist
   * @throws ConflictException if {@code path} is a file
   */
  boolean createDirectory(String path);

  /**
   * Deletes a regular file or an empty directory.
   *
   * @return true if something was deleted, false if nothing was there
   * @throws ConflictException if {@code path} is {@code /} or a directory that is not empty
   */
  boolean delete(String path);

  /**
   * The names in a directory, sorted.
   *
   * @throws NotFoundException if {@code directory} is not a directory
   */
  List<String> list(String directory);
}
