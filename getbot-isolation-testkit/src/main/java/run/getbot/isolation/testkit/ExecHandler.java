package run.getbot.isolation.testkit;

import run.getbot.isolation.ExecResult;

/**
 * Runs the commands given to {@link InMemoryIsolationProvider#exec}. The default, {@link #miniShell()}, interprets a
 * small POSIX shell subset; a test can install its own handler to script the answers of other programs (say,
 * {@code docker}) and fall back to the mini shell for the rest:
 *
 * <pre>{@code
 * ExecHandler handler = ctx -> ctx.command().argv().get(0).equals("docker")
 *     ? new ExecResult(0, "Docker version 27.0.0\n", "")
 *     : ExecHandler.miniShell().run(ctx);
 * }</pre>
 *
 * <p>The handler runs on the caller's thread, without the provider's lock held; it may throw an
 * {@link run.getbot.isolation.IsolationException}, which {@code exec} passes on.
 */
@FunctionalInterface
public interface ExecHandler {

  /** Runs the command of {@code context} and returns its exit code and output. */
  ExecResult run(ExecContext context);

  /**
   * The in-memory shell. It understands {@code sh -c SCRIPT} (also {@code /bin/sh}) and direct programs; scripts with
   * {@code ;}, {@code &&}, {@code ||}, {@code !}, newlines and {@code #} comments; single and double quotes and
   * backslash escapes; {@code $VAR}, {@code ${VAR}}, {@code ${VAR:-default}}, {@code $?}, {@code $0}–{@code $9} and
   * {@code $#}; {@code NAME=value} assignments; redirections {@code > FILE}, {@code >> FILE}, {@code >&2},
   * {@code 2>&1}, {@code 2> FILE} (also to {@code /dev/null}). The environment is the command's over the defaults
   * {@code HOME=/root}, {@code PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin}, {@code USER=root},
   * {@code LANG=C.UTF-8}; the working directory is the command's, {@code /root} by default. Programs: {@code echo [-n]},
   * {@code printf} ({@code %s %d %%}, {@code \n \t \\}), {@code exit}, {@code true}, {@code false}, {@code :},
   * {@code cat}, {@code pwd}, {@code cd}, {@code export}, {@code id [-u|-g] [-n]}, {@code hostname} (the org name),
   * {@code env}, {@code test}/{@code [} ({@code -f -d -e -s -n -z}, {@code = !=}, {@code -eq -ne -lt -le -gt -ge},
   * {@code !}), {@code mkdir [-p]}, {@code rm [-f] [-r]}, {@code touch}, {@code ls [-a]}, {@code sleep} (returns at
   * once) and {@code sh}; an executable file of the container runs as a shell script. An unknown program exits with
   * 127 and {@code sh: NAME: not found}. Globs are not expanded; pipes, input redirection, command substitution,
   * subshells, control structures and background jobs are a syntax error (exit 2).
   */
  static ExecHandler miniShell() {
    return MiniShell.INSTANCE;
  }
}
