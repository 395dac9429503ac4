package run.getbot.isolation;

import static run.getbot.isolation.internal.Checks.check;
import static run.getbot.isolation.internal.Checks.quote;

import java.util.Objects;
import run.getbot.isolation.internal.Checks;

/** Validation of file paths inside an org container. Not instantiable. */
public final class ContainerPath {

  private ContainerPath() {}

  /**
   * Returns {@code path} if it is absolute, at most 4096 characters, free of control characters, and has no empty,
   * {@code .} or {@code ..} segment and no trailing slash; otherwise throws {@link InvalidSpecException}.
   */
  public static String check(String path) {
    Objects.requireNonNull(path, "path");
    Checks.noControl(path, "path " + quote(path));
    Checks.check(path.startsWith("/") && path.length() > 1, "path " + quote(path) + " must be absolute, below /");
    Checks.check(path.length() <= 4096, "path is longer than 4096 characters");
    for (String segment : path.substring(1).split("/", -1)) {
      Checks.check(!segment.isEmpty() && !segment.equals(".") && !segment.equals(".."),
          "path " + quote(path) + " has an empty, '.' or '..' segment");
    }
    return path;
  }
}
