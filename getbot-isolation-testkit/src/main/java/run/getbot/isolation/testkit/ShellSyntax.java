package run.getbot.isolation.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The syntax tree of a {@link MiniShell} script, built by {@link ShellParser} from {@link ShellTokenizer} tokens. */
final class ShellSyntax {

  private ShellSyntax() {}

  /** A script the mini shell cannot run; the message says what is wrong, as in {@code sh: syntax error: …}. */
  static final class SyntaxError extends Exception {
    SyntaxError(String message) {
      super(message, null, false, false);
    }
  }

  /** A piece of a word; {@code quoted} parts are neither split into fields nor treated as operators. */
  sealed interface Part permits Literal, Param {
    boolean quoted();
  }

  /** Text taken as it is. */
  record Literal(String text, boolean quoted) implements Part {}

  /**
   * A parameter expansion: {@code $NAME}, {@code ${NAME}}, {@code ${NAME:-fallback}}, or a special parameter
   * ({@code ?}, {@code #}, {@code 0}–{@code 9}).
   */
  record Param(String name, boolean quoted, Optional<String> fallback) implements Part {}

  /** One shell word, made of parts. */
  record Word(List<Part> parts) {

    Word {
      parts = List.copyOf(parts);
    }

    /** The word's text when it is a single unquoted literal (an operator-like word such as {@code !} or {@code if}). */
    Optional<String> plainText() {
      return parts.size() == 1 && parts.get(0) instanceof Literal lit && !lit.quoted()
          ? Optional.of(lit.text())
          : Optional.empty();
    }

    /** The variable name when the word is an assignment {@code NAME=value}. */
    Optional<String> assignmentName() {
      if (!parts.isEmpty() && parts.get(0) instanceof Literal lit && !lit.quoted()) {
        int eq = lit.text().indexOf('=');
        if (eq > 0 && lit.text().substring(0, eq).matches("[A-Za-z_][A-Za-z0-9_]*")) {
          return Optional.of(lit.text().substring(0, eq));
        }
      }
      return Optional.empty();
    }

    /** For an assignment, the value part of the word (everything after the first {@code =}). */
    Word assignmentValue() {
      Literal first = (Literal) parts.get(0);
      String rest = first.text().substring(first.text().indexOf('=') + 1);
      List<Part> value = new ArrayList<>(parts.subList(1, parts.size()));
      if (!rest.isEmpty()) {
        value.add(0, new Literal(rest, false));
      }
      return new Word(value);
    }
  }

  /** How a redirection opens its target. */
  enum RedirectKind {
    /** {@code N> FILE}: create or truncate. */
    WRITE,
    /** {@code N>> FILE}: create or append. */
    APPEND,
    /** {@code N>&M}: duplicate descriptor M. */
    DUPLICATE
  }

  /** A redirection of descriptor {@code fd}. */
  record Redirect(int fd, RedirectKind kind, Word target) {}

  /** A simple command: assignments, then the program and its arguments, with redirections; maybe negated by !. */
  record Command(List<Word> words, List<Redirect> redirects, boolean negated) {
    Command {
      words = List.copyOf(words);
      redirects = List.copyOf(redirects);
    }
  }

  /** Commands joined by {@code &&} and {@code ||}; {@code operators.get(i)} joins commands i and i+1. */
  record AndOr(List<Command> commands, List<String> operators) {
    AndOr {
      commands = List.copyOf(commands);
      operators = List.copyOf(operators);
    }
  }

  /** A whole script: and-or lists run one after the other. */
  record Script(List<AndOr> lists) {
    Script {
      lists = List.copyOf(lists);
    }
  }
}
