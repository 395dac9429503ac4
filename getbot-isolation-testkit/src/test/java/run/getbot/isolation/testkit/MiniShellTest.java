package run.getbot.isolation.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import run.getbot.isolation.BridgeSpec;
import run.getbot.isolation.ExecCommand;
import run.getbot.isolation.ExecResult;
import run.getbot.isolation.FileAttributes;
import run.getbot.isolation.ImageRef;
import run.getbot.isolation.OrgName;
import run.getbot.isolation.OrgSpec;
import run.getbot.isolation.PoolSpec;

/** The mini shell, checked against what busybox sh prints for the same scripts. */
class MiniShellTest {

  private static final OrgName ACME = OrgName.of("acme");
  private InMemoryIsolationProvider provider;

  @BeforeEach
  void setUp() {
    provider = InMemoryIsolationProvider.create();
    provider.ensureBridge(BridgeSpec.DEFAULT);
    provider.ensurePool(PoolSpec.DEFAULT);
    provider.provision(OrgSpec.of(ACME, ImageRef.alias("busybox")));
  }

  private ExecResult sh(String script) {
    return provider.exec(ACME, ExecCommand.shell(script));
  }

  private ExecResult run(String... argv) {
    return provider.exec(ACME, ExecCommand.of(argv));
  }

  private String file(String path) {
    return provider.pullFile(ACME, path).utf8();
  }

  private void push(String path, String content, int mode) {
    provider.pushFile(ACME, path, content.getBytes(StandardCharsets.UTF_8), FileAttributes.of(0, 0, mode));
  }

  private static ExecResult ok(String stdout) {
    return new ExecResult(0, stdout, "");
  }

  @Nested
  class Words {

    @Test
    void singleAndDoubleQuotesKeepBlanks() {
      assertThat(sh("X='1  2'; echo 'a  b' \"c  $X\" d\\ \\ e")).isEqualTo(ok("a  b c  1  2 d  e\n"));
    }

    @Test
    void unquotedExpansionIsSplitIntoFields() {
      assertThat(sh("X=\"1  2\"; echo $X; echo \"$X\"; echo ${X}s")).isEqualTo(ok("1 2\n1  2\n1 2s\n"));
    }

    @Test
    void singleQuotesDoNotExpand() {
      assertThat(sh("echo '$HOME' \"\\$HOME\" \"$HOME\"")).isEqualTo(ok("$HOME $HOME /root\n"));
    }

    @Test
    void emptyQuotedWordIsAnArgumentButEmptyExpansionIsNone() {
      assertThat(sh("printf '[%s]' \"\" $UNSET \"$UNSET\"; echo")).isEqualTo(ok("[][]\n"));
    }

    @Test
    void defaultValueExpansion() {
      assertThat(sh("E=; echo ${UNSET:-fallback} ${E:-empty} ${HOME:-x}")).isEqualTo(ok("fallback empty /root\n"));
    }

    @Test
    void lonelyDollarIsLiteral() {
      assertThat(sh("echo $ a$ \"$\"")).isEqualTo(ok("$ a$ $\n"));
    }

    @Test
    void commentsAndLineContinuations() {
      assertThat(sh("echo a # not this\n# nor this\necho b \\\n  c")).isEqualTo(ok("a\nb c\n"));
    }

    @Test
    void positionalParametersOfShDashC() {
      assertThat(run("sh", "-c", "echo $0 $1 $2 $#", "name", "one", "two")).isEqualTo(ok("name one two 2\n"));
    }
  }

  @Nested
  class Lists {

    @Test
    void statusDrivesAndOrLists() {
      assertThat(sh("false || echo a; true && echo b; false && echo c; echo $?")).isEqualTo(ok("a\nb\n1\n"));
    }

    @Test
    void negationInvertsStatus() {
      assertThat(sh("! false && echo yes; ! true; echo $?")).isEqualTo(ok("yes\n1\n"));
    }

    @Test
    void exitStopsTheScriptAndKeepsLowEightBits() {
      assertThat(sh("echo before; exit 300; echo after")).isEqualTo(new ExecResult(44, "before\n", ""));
    }

    @Test
    void exitWithoutArgumentUsesLastStatus() {
      assertThat(sh("false; exit").exitCode()).isEqualTo(1);
    }

    @Test
    void illegalExitNumberIsStatusTwo() {
      assertThat(sh("exit abc")).isEqualTo(new ExecResult(2, "", "sh: exit: Illegal number: abc\n"));
    }

    @Test
    void assignmentBeforeCommandIsOnlyForThatCommand() {
      ExecResult result = sh("ONLY=here env; echo \"[$ONLY]\"");
      assertThat(result.stdout()).contains("ONLY=here\n").endsWith("[]\n");
    }

    @Test
    void exportSetsVariablesForLaterCommands() {
      assertThat(sh("export A=1 B; echo $A; env")).satisfies(r -> {
        assertThat(r.stdout()).startsWith("1\n").contains("A=1\n");
        assertThat(r.exitCode()).isZero();
      });
    }

    @Test
    void nestedShellHasItsOwnVariablesAndExit() {
      assertThat(sh("X=outer; sh -c 'X=inner; echo $X; exit 4'; echo $? $X")).isEqualTo(ok("inner\n4 outer\n"));
    }
  }

  @Nested
  class Programs {

    @Test
    void unknownProgramIs127AndTheScriptGoesOn() {
      assertThat(sh("nope --flag; echo $?")).isEqualTo(new ExecResult(0, "127\n", "sh: nope: not found\n"));
    }

    @Test
    void directProgramsByNameOrPath() {
      assertThat(run("echo", "-n", "hi")).isEqualTo(ok("hi"));
      assertThat(run("/bin/echo", "hi")).isEqualTo(ok("hi\n"));
      assertThat(run("/usr/bin/env").stdout()).contains("LANG=C.UTF-8\n").contains("USER=root\n");
      assertThat(run("/opt/nope").exitCode()).isEqualTo(127);
      assertThat(run("exit", "3").exitCode()).as("shell builtins are no programs").isEqualTo(127);
    }

    @Test
    void printfReusesItsFormat() {
      assertThat(sh("printf '%s-%s\\n' a b c; printf '%d%%\\t|\\n' 42")).isEqualTo(ok("a-b\nc-\n42%\t|\n"));
    }

    @Test
    void printfRejectsBadNumbers() {
      assertThat(sh("printf '%d\\n' x")).isEqualTo(new ExecResult(1, "0\n", "sh: invalid number 'x'\n"));
    }

    @Test
    void cdChangesTheDirectoryOfLaterCommands() {
      ExecResult result = sh("cd /tmp && pwd; echo hi > rel.txt; cd ..; pwd; cd nowhere; echo $?; cd; pwd");
      assertThat(result.stdout()).isEqualTo("/tmp\n/\n2\n/root\n");
      assertThat(result.stderr()).isEqualTo("sh: cd: can't cd to nowhere: No such file or directory\n");
      assertThat(file("/tmp/rel.txt")).isEqualTo("hi\n");
    }

    @Test
    void idAndHostname() {
      assertThat(sh("id; id -u; id -gn; hostname")).isEqualTo(ok("uid=0(root) gid=0(root)\n0\nroot\nacme\n"));
    }

    @Test
    void envShowsDefaultsUnderTheCommandsOwnVariables() {
      ExecResult result = provider.exec(ACME, ExecCommand.of("env").withEnv("HOME", "/srv").withEnv("TOKEN", "s3"));
      assertThat(result.stdout()).isEqualTo("HOME=/srv\nLANG=C.UTF-8\n"
          + "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\nTOKEN=s3\nUSER=root\n");
    }

    @Test
    void testAndBracket() {
      assertThat(sh("[ -d /tmp ] && echo dir; [ -f /tmp ] || echo notfile; test a = a && echo eq;"
          + " [ a != b ] && echo ne; [ -e /nope ] || echo missing; [ ! -e /nope ] && echo neg;"
          + " [ 3 -lt 10 ] && echo lt; [ -n \"\" ] || echo empty; [ x ] && echo nonempty; [ ] || echo none"))
          .isEqualTo(ok("dir\nnotfile\neq\nne\nmissing\nneg\nlt\nempty\nnonempty\nnone\n"));
    }

    @Test
    void testUsageErrorsAreStatusTwo() {
      assertThat(sh("[ -f x")).isEqualTo(new ExecResult(2, "", "sh: missing ]\n"));
      assertThat(sh("test 1 -lt x")).isEqualTo(new ExecResult(2, "", "sh: x: bad number\n"));
    }

    @Test
    void mkdirLsTouchRm() {
      ExecResult result = sh("mkdir -p /srv/a/b && touch /srv/a/f /srv/a/.hidden && ls /srv/a; ls -a /srv/a/b;"
          + " mkdir /srv/a; mkdir /x/y; rm /srv/a/f && rm /srv/a/f; rm -f /srv/a/f; rm /srv/a; rm -r /srv/a;"
          + " ls /srv; ls /srv/a");
      assertThat(result.stdout()).isEqualTo("b\nf\n.\n..\n");
      assertThat(result.stderr()).isEqualTo("mkdir: can't create directory '/srv/a': File exists\n"
          + "mkdir: can't create directory '/x/y': No such file or directory\n"
          + "rm: can't remove '/srv/a/f': No such file or directory\n"
          + "rm: '/srv/a' is a directory\n"
          + "ls: /srv/a: No such file or directory\n");
      assertThat(result.exitCode()).isEqualTo(1);
    }

    @Test
    void catReportsMissingFilesAndDirectories() {
      push("/tmp/a.txt", "A\n", 0644);
      ExecResult result = sh("cat /tmp/a.txt /missing /tmp; echo $?");
      assertThat(result.stdout()).isEqualTo("A\n1\n");
      assertThat(result.stderr())
          .isEqualTo("cat: can't open '/missing': No such file or directory\ncat: read error: Is a directory\n");
    }

    @Test
    void sleepReturnsAtOnce() {
      assertThat(sh("sleep 3600 && echo awake; sleep abc")).isEqualTo(
          new ExecResult(1, "awake\n", "sleep: invalid number 'abc'\n"));
    }

    @Test
    void executableScriptFilesRun() {
      push("/tmp/run.sh", "#!/bin/sh\necho script $0 $1\nexit 5\n", 0755);
      push("/tmp/plain.sh", "echo plain $1\n", 0644);
      assertThat(run("/tmp/run.sh", "x")).isEqualTo(new ExecResult(5, "script /tmp/run.sh x\n", ""));
      assertThat(run("/tmp/plain.sh").exitCode()).isEqualTo(126);
      assertThat(sh("sh /tmp/plain.sh y")).isEqualTo(ok("plain y\n"));
      assertThat(sh("sh /tmp/none.sh").exitCode()).isEqualTo(2);
    }
  }

  @Nested
  class Redirections {

    @Test
    void writeAndAppend() {
      assertThat(sh("echo a > /tmp/f; echo b >> /tmp/f; echo c >>/tmp/g; cat /tmp/f /tmp/g")).isEqualTo(
          ok("a\nb\nc\n"));
      assertThat(sh("echo new > /tmp/f; cat /tmp/f")).isEqualTo(ok("new\n"));
    }

    @Test
    void createdFilesAreRootsWith0644() {
      sh("echo x > /tmp/made");
      assertThat(provider.pullFile(ACME, "/tmp/made").attributes()).isEqualTo(FileAttributes.DEFAULT);
    }

    @Test
    void descriptorsCanBeDuplicatedAndDiscarded() {
      assertThat(sh("echo e >&2; echo o 1>&2; cat /missing 2>/dev/null || echo fallback; cat /missing 2>&1"))
          .isEqualTo(new ExecResult(1, "fallback\ncat: can't open '/missing': No such file or directory\n",
              "e\no\n"));
    }

    @Test
    void bothStreamsIntoOneFile() {
      sh("echo out > /tmp/both 2>&1; cat /missing >> /tmp/both 2>&1");
      assertThat(file("/tmp/both")).isEqualTo("out\ncat: can't open '/missing': No such file or directory\n");
    }

    @Test
    void redirectionFailuresSkipTheCommand() {
      assertThat(sh("echo x > /nope/f; echo $?; echo y > /tmp; echo $?")).isEqualTo(new ExecResult(0, "1\n1\n",
          "sh: can't create /nope/f: nonexistent directory\nsh: can't create /tmp: Is a directory\n"));
    }

    @Test
    void redirectionOnlyCommandCreatesTheFile() {
      assertThat(sh("> /tmp/empty; [ -f /tmp/empty ] && echo made")).isEqualTo(ok("made\n"));
    }
  }

  @Nested
  class Syntax {

    @Test
    void unsupportedFeaturesAreSyntaxErrors() {
      for (String script : new String[] {"echo a | cat", "sleep 1 &", "if true; then echo; fi", "echo $(id)",
          "echo `id`", "cat < /etc/passwd", "(echo)", "for i in 1; do echo; done"}) {
        ExecResult result = sh(script);
        assertThat(result.exitCode()).as(script).isEqualTo(2);
        assertThat(result.stderr()).as(script).startsWith("sh: syntax error: unsupported");
        assertThat(result.stdout()).as(script).isEmpty();
      }
    }

    @Test
    void unterminatedQuoteIsASyntaxError() {
      assertThat(sh("echo 'open")).isEqualTo(new ExecResult(2, "", "sh: syntax error: unterminated quoted string\n"));
      assertThat(sh("echo \"open")).isEqualTo(new ExecResult(2, "", "sh: syntax error: unterminated quoted string\n"));
    }

    @Test
    void danglingOperatorIsASyntaxError() {
      assertThat(sh("&& echo").exitCode()).isEqualTo(2);
      assertThat(sh("echo a &&").exitCode()).isEqualTo(2);
      assertThat(sh("echo >").exitCode()).isEqualTo(2);
    }

    @Test
    void andOrMayContinueOnTheNextLine() {
      assertThat(sh("false ||\n  echo next")).isEqualTo(ok("next\n"));
    }
  }
}
