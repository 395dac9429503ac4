package run.getbot.isolation.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import run.getbot.isolation.ConflictException;
import run.getbot.isolation.ContainerPath;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.FileContent;
import run.getbot.isolation.NotFoundException;

/** The in-memory {@link ContainerFiles} of one org container: a sorted map from absolute path to node. */
final class MemoryFileSystem implements ContainerFiles {

  /** The directories a new container starts with, as in a minimal Linux root filesystem. */
  static final List<String> INITIAL_DIRECTORIES = List.of(
      "/", "/bin", "/dev", "/etc", "/home", "/opt", "/proc", "/root", "/run", "/srv", "/sys", "/tmp", "/usr", "/var");

  private static final FileAttributes DIRECTORY = FileAttributes.of(0, 0, 0755);

  private sealed interface Node permits Dir, File {
    FileAttributes attributes();
  }

  private record Dir(FileAttributes attributes) implements Node {}

  private record File(byte[] content, FileAttributes attributes) implements Node {}

  private final TreeMap<String, Node> nodes = new TreeMap<>();

  MemoryFileSystem() {
    for (String dir : INITIAL_DIRECTORIES) {
      FileAttributes attributes = switch (dir) {
        case "/tmp" -> FileAttributes.of(0, 0, 01777);
        case "/root" -> FileAttributes.of(0, 0, 0700);
        default -> DIRECTORY;
      };
      nodes.put(dir, new Dir(attributes));
    }
  }

  @Override
  public synchronized boolean isDirectory(String path) {
    return nodes.get(check(path)) instanceof Dir;
  }

  @Override
  public synchronized boolean isFile(String path) {
    return nodes.get(check(path)) instanceof File;
  }

  @Override
  public synchronized Optional<FileContent> read(String path) {
    return nodes.get(check(path)) instanceof File file
        ? Optional.of(new FileContent(file.content(), file.attributes()))
        : Optional.empty();
  }

  @Override
  public synchronized void write(String path, byte[] content, FileAttributes attributes) {
    put(path, content.clone(), attributes, false);
  }

  @Override
  public synchronized void append(String path, byte[] content, FileAttributes attributes) {
    put(path, content.clone(), attributes, true);
  }

  private void put(String path, byte[] content, FileAttributes attributes, boolean append) {
    Node existing = nodes.get(check(path));
    if (existing instanceof Dir) {
      throw new ConflictException(path + " is a directory");
    }
    requireParentDirectory(path);
    if (existing instanceof File file) {
      byte[] bytes = content;
      if (append) {
        bytes = new byte[file.content().length + content.length];
        System.arraycopy(file.content(), 0, bytes, 0, file.content().length);
        System.arraycopy(content, 0, bytes, file.content().length, content.length);
      }
      nodes.put(path, new File(bytes, file.attributes()));
    } else {
      nodes.put(path, new File(content, attributes));
    }
  }

  @Override
  public synchronized boolean createDirectory(String path) {
    Node existing = nodes.get(check(path));
    if (existing instanceof Dir) {
      return false;
    }
    if (existing instanceof File) {
      throw new ConflictException(path + " exists and is a file");
    }
    requireParentDirectory(path);
    nodes.put(path, new Dir(DIRECTORY));
    return true;
  }

  @Override
  public synchronized boolean delete(String path) {
    Node existing = nodes.get(check(path));
    if (existing == null) {
      return false;
    }
    if (path.equals("/")) {
      throw new ConflictException("/ cannot be deleted");
    }
    if (existing instanceof Dir && !children(path).isEmpty()) {
      throw new ConflictException("directory " + path + " is not empty");
    }
    nodes.remove(path);
    return true;
  }

  @Override
  public synchronized List<String> list(String directory) {
    if (!(nodes.get(check(directory)) instanceof Dir)) {
      throw new NotFoundException("directory " + directory + " does not exist");
    }
    return children(directory);
  }

  private List<String> children(String directory) {
    String prefix = directory.equals("/") ? "/" : directory + "/";
    SortedMap<String, Node> below = nodes.subMap(prefix, prefix + Character.MAX_VALUE);
    List<String> names = new ArrayList<>();
    for (String path : below.keySet()) {
      String rest = path.substring(prefix.length());
      if (!rest.isEmpty() && rest.indexOf('/') < 0) {
        names.add(rest);
      }
    }
    return names;
  }

  private void requireParentDirectory(String path) {
    String parent = parentOf(path);
    Node node = nodes.get(parent);
    if (node == null) {
      throw new NotFoundException("directory " + parent + " does not exist (creating " + path + ")");
    }
    if (!(node instanceof Dir)) {
      throw new ConflictException(parent + " is not a directory (creating " + path + ")");
    }
  }

  /** The parent of an absolute path other than {@code /}. */
  static String parentOf(String path) {
    int slash = path.lastIndexOf('/');
    return slash == 0 ? "/" : path.substring(0, slash);
  }

  private static String check(String path) {
    return "/".equals(path) ? path : ContainerPath.check(path);
  }
}
