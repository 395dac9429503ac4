package run.getbot.isolation.examples;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import run.getbot.isolation.DeployRequest;
import run.getbot.isolation.Deployment;
import run.getbot.isolation.InvalidSpecException;
import run.getbot.isolation.IsolationException;
import run.getbot.isolation.NotFoundException;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.ProviderUnavailableException;
import run.getbot.isolation.ReconcileReport;

/**
 * The {@code getbot-isolation} command-line program: {@code demo}, {@code deploy}, {@code list}, {@code delete} and
 * {@code reconcile} over real Incus and Caddy when they answer, over the in-memory backends otherwise.
 */
public final class GetbotIsolation {

  /** Exit status of a successful command. */
  public static final int OK = 0;
  /** Exit status when the backend reported a failure. */
  public static final int FAILED = 1;
  /** Exit status for a malformed command line (sysexits EX_USAGE). */
  public static final int USAGE = 64;
  /** Exit status for invalid input such as a malformed email (sysexits EX_DATAERR). */
  public static final int INVALID = 65;
  /** Exit status when the org does not exist (sysexits EX_NOINPUT). */
  public static final int NOT_FOUND = 66;
  /** Exit status when a backend cannot be reached (sysexits EX_UNAVAILABLE). */
  public static final int UNAVAILABLE = 69;

  static final String USAGE_TEXT = String.join("\n",
      "usage: getbot-isolation [options] COMMAND",
      "",
      "commands:",
      "  demo [--docker]                       the whole lifecycle for alice@acme.com, team marketing; with",
      "                                        --docker the agent is a Compose project in the org's Docker",
      "                                        (needs real Incus and the image of scripts/build-docker-image.sh)",
      "  deploy EMAIL --team TEAM --port PORT  give the org of EMAIL's TEAM an agent on PORT and route to it",
      "  list                                  the org containers, as `incus list` shows them",
      "  delete ORG                            remove the org's routes and its container",
      "  reconcile                             rebuild routes and reset drifted limits from Incus",
      "",
      "options:",
      "  --in-memory          use the in-memory backends even if Incus and Caddy answer",
      "  --listen HOST:PORT   where getbot's Caddy server listens (default 127.0.0.1:18080)",
      "  --tls MODE           off (default), internal, or acme:EMAIL",
      "  --base-domain D      org hosts are ORG.D (default getbot.run)",
      "  --image ALIAS        image of new org containers (default getbot-busybox)",
      "",
      "environment: INCUS_SOCKET, GETBOT_CADDY_ADMIN (default http://127.0.0.1:2019), GETBOT_TEST_IMAGE,",
      "  GETBOT_DOCKER_IMAGE (default $GETBOT_CACHE/getbot-docker.tar.gz), GETBOT_CACHE (/var/cache/getbot-isolation)",
      "exit status: 0 ok, 1 backend failure, 64 usage, 65 invalid input, 66 not found, 69 backend unreachable",
      "  (or, for demo --docker, no real Incus or no Docker image)");

  private GetbotIsolation() {}

  /** Runs the program and exits with its status. */
  public static void main(String[] args) {
    System.exit(run(args, Settings.fromEnvironment(System.getenv()), System.out, System.err));
  }

  /** Runs the program; returns the exit status. */
  static int run(String[] args, Settings defaults, PrintStream out, PrintStream err) {
    Settings settings = defaults;
    List<String> words = new ArrayList<>();
    String team = null;
    Integer port = null;
    boolean docker = false;
    try {
      for (int i = 0; i < args.length; i++) {
        String arg = args[i];
        switch (arg) {
          case "--in-memory" -> settings = settings.withInMemory(true);
          case "--listen" -> settings = settings.withListen(value(args, ++i, arg));
          case "--tls" -> settings = settings.withTls(value(args, ++i, arg));
          case "--base-domain" -> settings = settings.withBaseDomain(value(args, ++i, arg));
          case "--image" -> settings = settings.withImageAlias(value(args, ++i, arg));
          case "--team" -> team = value(args, ++i, arg);
          case "--port" -> port = port(value(args, ++i, arg));
          case "--docker" -> docker = true;
          case "-h", "--help" -> {
            out.println(USAGE_TEXT);
            return OK;
          }
          default -> {
            if (arg.startsWith("-")) {
              throw new UsageException("unknown option " + arg);
            }
            words.add(arg);
          }
        }
      }
      if (words.isEmpty()) {
        throw new UsageException("no command given");
      }
      Command command = Command.parse(words, team, port, docker);
      try (Backends backends = Backends.detect(docker ? settings.forDocker() : settings)) {
        out.println(backends.description());
        command.run(backends, out);
      }
      return OK;
    } catch (UsageException e) {
      err.println("getbot-isolation: " + e.getMessage());
      err.println(USAGE_TEXT);
      return USAGE;
    } catch (IsolationException e) {
      err.println("getbot-isolation: " + e.getMessage());
      if (e instanceof InvalidSpecException) {
        return INVALID;
      } else if (e instanceof NotFoundException) {
        return NOT_FOUND;
      } else if (e instanceof ProviderUnavailableException) {
        return UNAVAILABLE;
      }
      return FAILED;
    }
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new UsageException(option + " needs a value");
    }
    return args[i];
  }

  private static int port(String text) {
    try {
      return Integer.parseInt(text);
    } catch (NumberFormatException e) {
      throw new UsageException("--port " + text + " is not a number");
    }
  }

  /** A malformed command line. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** One parsed command. */
  private interface Command {
    void run(Backends backends, PrintStream out);

    static Command parse(List<String> words, String team, Integer port, boolean docker) {
      String name = words.get(0);
      List<String> operands = words.subList(1, words.size());
      Command command = switch (name) {
        case "demo" -> {
          expect(operands, 0, "demo [--docker]");
          yield docker ? (b, out) -> new Demo(b, out).runDocker("alice@acme.com", "marketing", 8080)
              : (b, out) -> new Demo(b, out).run("alice@acme.com", "marketing", 8080);
        }
        case "deploy" -> {
          expect(operands, 1, "deploy EMAIL --team TEAM --port PORT");
          if (team == null || port == null) {
            throw new UsageException("deploy needs --team and --port");
          }
          DeployRequest request = DeployRequest.forEmail(operands.get(0), team, port);
          yield (b, out) -> {
            Deployment d = b.isolation().deploy(request, e -> out.println("   [" + e.step() + "] " + e.message()));
            out.println("deployed " + d.org() + " at " + d.address() + ": " + d.url());
          };
        }
        case "list" -> {
          expect(operands, 0, "list");
          yield (b, out) -> out.print(OrgTable.render(b.provider().list()));
        }
        case "delete" -> {
          expect(operands, 1, "delete ORG");
          OrgName org = OrgName.of(operands.get(0));
          yield (b, out) -> {
            if (!b.isolation().undeploy(org)) {
              throw new NotFoundException("org " + org + " has no container and no routes");
            }
            out.println("deleted " + org);
          };
        }
        case "reconcile" -> {
          expect(operands, 0, "reconcile");
          yield (b, out) -> {
            ReconcileReport report = b.isolation().reconcile();
            out.println(report.isEmpty() ? "nothing to change"
                : "converged " + report.convergedOrgs() + "; restored " + report.routesRestored().size()
                    + " routes; removed " + report.routesRemoved());
          };
        }
        default -> throw new UsageException("unknown command " + name);
      };
      if (!name.equals("deploy") && (team != null || port != null)) {
        throw new UsageException("--team and --port belong to deploy");
      }
      if (!name.equals("demo") && docker) {
        throw new UsageException("--docker belongs to demo");
      }
      return command;
    }

    private static void expect(List<String> operands, int count, String form) {
      if (operands.size() != count) {
        throw new UsageException("usage: getbot-isolation " + form);
      }
    }
  }
}
