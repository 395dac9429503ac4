package run.getbot.isolation.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import run.getbot.isolation.testkit.ShellSyntax.AndOr;
import run.getbot.isolation.testkit.ShellSyntax.Command;
import run.getbot.isolation.testkit.ShellSyntax.Redirect;
import run.getbot.isolation.testkit.ShellSyntax.Script;
import run.getbot.isolation.testkit.ShellSyntax.SyntaxError;
import run.getbot.isolation.testkit.ShellSyntax.Word;
import run.getbot.isolation.testkit.ShellTokenizer.Operator;
import run.getbot.isolation.testkit.ShellTokenizer.RedirectOperator;
import run.getbot.isolation.testkit.ShellTokenizer.Token;
import run.getbot.isolation.testkit.ShellTokenizer.WordToken;

/**
 * Builds a {@link Script} from tokens: {@code script := andOr { (";" | newline) andOr }},
 * {@code andOr := command { ("&&" | "||") newline* command }}, {@code command := ["!"] (word | redirect)+}.
 */
final class ShellParser {

  private static final Set<String> RESERVED = Set.of(
      "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case", "esac", "{", "}",
      "function", "select", "in");

  private final List<Token> tokens;
  private int pos;

  private ShellParser(List<Token> tokens) {
    this.tokens = tokens;
  }

  /** Parses {@code script}. */
  static Script parse(String script) throws SyntaxError {
    return new ShellParser(ShellTokenizer.tokenize(script)).script();
  }

  private Script script() throws SyntaxError {
    List<AndOr> lists = new ArrayList<>();
    while (true) {
      skipSeparators();
      if (pos == tokens.size()) {
        return new Script(lists);
      }
      lists.add(andOr());
      if (pos < tokens.size() && !isSeparator(tokens.get(pos))) {
        throw unexpected();
      }
    }
  }

  private AndOr andOr() throws SyntaxError {
    List<Command> commands = new ArrayList<>();
    List<String> operators = new ArrayList<>();
    commands.add(command());
    while (pos < tokens.size() && tokens.get(pos) instanceof Operator op
        && (op.symbol().equals("&&") || op.symbol().equals("||"))) {
      operators.add(op.symbol());
      pos++;
      while (pos < tokens.size() && tokens.get(pos) instanceof Operator nl && nl.symbol().equals("\n")) {
        pos++;
      }
      commands.add(command());
    }
    return new AndOr(commands, operators);
  }

  private Command command() throws SyntaxError {
    boolean negated = false;
    if (pos < tokens.size() && tokens.get(pos) instanceof WordToken w
        && w.word().plainText().filter("!"::equals).isPresent()) {
      negated = true;
      pos++;
    }
    List<Word> words = new ArrayList<>();
    List<Redirect> redirects = new ArrayList<>();
    while (pos < tokens.size()) {
      Token token = tokens.get(pos);
      if (token instanceof WordToken w) {
        if (words.isEmpty()) {
          String text = w.word().plainText().orElse("");
          if (RESERVED.contains(text)) {
            throw ShellTokenizer.unsupported("'" + text + "'", "control structures");
          }
        }
        words.add(w.word());
        pos++;
      } else if (token instanceof RedirectOperator r) {
        pos++;
        if (pos == tokens.size() || !(tokens.get(pos) instanceof WordToken target)) {
          throw new SyntaxError(pos == tokens.size() ? "unexpected end of script after a redirection" : unexpected()
              .getMessage());
        }
        redirects.add(new Redirect(r.fd(), r.kind(), target.word()));
        pos++;
      } else {
        break;
      }
    }
    if (words.isEmpty() && redirects.isEmpty()) {
      throw pos == tokens.size() ? new SyntaxError("unexpected end of script") : unexpected();
    }
    return new Command(words, redirects, negated);
  }

  private void skipSeparators() {
    while (pos < tokens.size() && isSeparator(tokens.get(pos))) {
      pos++;
    }
  }

  private static boolean isSeparator(Token token) {
    return token instanceof Operator op && (op.symbol().equals(";") || op.symbol().equals("\n"));
  }

  private SyntaxError unexpected() {
    Token token = tokens.get(pos);
    String text = token instanceof Operator op ? (op.symbol().equals("\n") ? "newline" : op.symbol())
        : token instanceof RedirectOperator ? "redirection" : "word";
    return new SyntaxError("unexpected " + text);
  }
}
