package run.getbot.isolation.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import run.getbot.isolation.testkit.ShellSyntax.Literal;
import run.getbot.isolation.testkit.ShellSyntax.Param;
import run.getbot.isolation.testkit.ShellSyntax.Part;
import run.getbot.isolation.testkit.ShellSyntax.RedirectKind;
import run.getbot.isolation.testkit.ShellSyntax.SyntaxError;
import run.getbot.isolation.testkit.ShellSyntax.Word;

/** Splits a script into words, operators and redirection operators, resolving quotes and escapes. */
final class ShellTokenizer {

  /** A lexical token. */
  sealed interface Token permits WordToken, Operator, RedirectOperator {}

  /** A word. */
  record WordToken(Word word) implements Token {}

  /** A separator or connector: {@code ;}, newline ({@code "\n"}), {@code &&} or {@code ||}. */
  record Operator(String symbol) implements Token {}

  /** A redirection operator with its descriptor: {@code >}, {@code 2>>}, {@code >&}. */
  record RedirectOperator(int fd, RedirectKind kind) implements Token {}

  private final String src;
  private int pos;
  private final List<Token> tokens = new ArrayList<>();

  private ShellTokenizer(String src) {
    this.src = src;
  }

  /** The tokens of {@code script}. */
  static List<Token> tokenize(String script) throws SyntaxError {
    ShellTokenizer t = new ShellTokenizer(script);
    t.run();
    return t.tokens;
  }

  private void run() throws SyntaxError {
    while (pos < src.length()) {
      char c = src.charAt(pos);
      if (c == ' ' || c == '\t' || c == '\r') {
        pos++;
      } else if (c == '\\' && peek(1) == '\n') {
        pos += 2;
      } else if (c == '#') {
        while (pos < src.length() && src.charAt(pos) != '\n') {
          pos++;
        }
      } else if (c == '\n' || c == ';') {
        if (c == ';' && peek(1) == ';') {
          throw unsupported("';;'", "case statements");
        }
        tokens.add(new Operator(String.valueOf(c)));
        pos++;
      } else if (c == '&' || c == '|') {
        if (peek(1) != c) {
          throw c == '&' ? unsupported("'&'", "background jobs") : unsupported("'|'", "pipes");
        }
        tokens.add(new Operator("" + c + c));
        pos += 2;
      } else if (c == '>' || isIoNumber()) {
        redirect();
      } else if (c == '<' || c == '(' || c == ')') {
        throw unsupported("'" + c + "'", c == '<' ? "input redirection" : "subshells");
      } else {
        tokens.add(new WordToken(word()));
      }
    }
  }

  /** True at digits directly followed by {@code >}, as in {@code 2>}. */
  private boolean isIoNumber() {
    int i = pos;
    while (i < src.length() && Character.isDigit(src.charAt(i)) && src.charAt(i) < 0x80) {
      i++;
    }
    return i > pos && i < src.length() && src.charAt(i) == '>';
  }

  private void redirect() throws SyntaxError {
    int fd = 1;
    if (src.charAt(pos) != '>') {
      int start = pos;
      while (src.charAt(pos) != '>') {
        pos++;
      }
      fd = Integer.parseInt(src.substring(start, pos));
    }
    pos++; // '>'
    RedirectKind kind = RedirectKind.WRITE;
    if (peek(0) == '>') {
      kind = RedirectKind.APPEND;
      pos++;
    } else if (peek(0) == '&') {
      kind = RedirectKind.DUPLICATE;
      pos++;
    } else if (peek(0) == '|') {
      pos++; // >| is > without noclobber
    }
    tokens.add(new RedirectOperator(fd, kind));
  }

  private static boolean endsWord(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == ';' || c == '&' || c == '|' || c == '<'
        || c == '>' || c == '(' || c == ')';
  }

  private Word word() throws SyntaxError {
    List<Part> parts = new ArrayList<>();
    StringBuilder plain = new StringBuilder();
    while (pos < src.length() && !endsWord(src.charAt(pos))) {
      char c = src.charAt(pos);
      if (c == '\'' || c == '"' || c == '$' || c == '\\' || c == '`') {
        flush(plain, parts, false);
      }
      switch (c) {
        case '\'' -> parts.add(new Literal(singleQuoted(), true));
        case '"' -> doubleQuoted(parts);
        case '$' -> parts.add(dollar(false));
        case '`' -> throw unsupported("'`'", "command substitution");
        case '\\' -> {
          pos++;
          if (pos == src.length()) {
            plain.append('\\');
          } else if (src.charAt(pos) == '\n') {
            pos++; // line continuation inside a word
          } else {
            parts.add(new Literal(String.valueOf(src.charAt(pos++)), true));
          }
        }
        default -> {
          plain.append(c);
          pos++;
        }
      }
    }
    flush(plain, parts, false);
    return new Word(parts);
  }

  private String singleQuoted() throws SyntaxError {
    int end = src.indexOf('\'', pos + 1);
    if (end < 0) {
      throw new SyntaxError("unterminated quoted string");
    }
    String text = src.substring(pos + 1, end);
    pos = end + 1;
    return text;
  }

  private void doubleQuoted(List<Part> parts) throws SyntaxError {
    pos++; // opening quote
    StringBuilder text = new StringBuilder();
    boolean empty = true;
    while (true) {
      if (pos >= src.length()) {
        throw new SyntaxError("unterminated quoted string");
      }
      char c = src.charAt(pos);
      if (c == '"') {
        pos++;
        break;
      }
      if (c == '$') {
        flush(text, parts, true);
        parts.add(dollar(true));
        empty = false;
      } else if (c == '`') {
        throw unsupported("'`'", "command substitution");
      } else if (c == '\\' && pos + 1 < src.length() && "$`\"\\\n".indexOf(src.charAt(pos + 1)) >= 0) {
        if (src.charAt(pos + 1) != '\n') {
          text.append(src.charAt(pos + 1));
        }
        pos += 2;
      } else {
        text.append(c);
        pos++;
      }
    }
    if (text.length() > 0 || empty) {
      parts.add(new Literal(text.toString(), true)); // "" still makes an (empty) word
    }
  }

  /** Parses the expansion at a {@code $}; a {@code $} that starts none is a literal dollar sign. */
  private Part dollar(boolean quoted) throws SyntaxError {
    pos++; // '$'
    char c = peek(0);
    if (c == '{') {
      int end = src.indexOf('}', pos);
      if (end < 0) {
        throw new SyntaxError("missing '}'");
      }
      String inner = src.substring(pos + 1, end);
      pos = end + 1;
      int colon = inner.indexOf(":-");
      String name = colon < 0 ? inner : inner.substring(0, colon);
      if (!isName(name) && !isSpecial(name)) {
        throw new SyntaxError("bad substitution: ${" + inner + "}");
      }
      return new Param(name, quoted, colon < 0 ? Optional.empty() : Optional.of(inner.substring(colon + 2)));
    }
    if (c == '(') {
      throw unsupported("'$('", "command substitution");
    }
    if (isSpecial(String.valueOf(c))) {
      pos++;
      return new Param(String.valueOf(c), quoted, Optional.empty());
    }
    if (Character.isLetter(c) && c < 0x80 || c == '_') {
      int start = pos;
      while (pos < src.length() && (isNameChar(src.charAt(pos)))) {
        pos++;
      }
      return new Param(src.substring(start, pos), quoted, Optional.empty());
    }
    return new Literal("$", quoted);
  }

  private static void flush(StringBuilder text, List<Part> parts, boolean quoted) {
    if (text.length() > 0) {
      parts.add(new Literal(text.toString(), quoted));
      text.setLength(0);
    }
  }

  private char peek(int ahead) {
    return pos + ahead < src.length() ? src.charAt(pos + ahead) : '\0';
  }

  private static boolean isNameChar(char c) {
    return c < 0x80 && (Character.isLetterOrDigit(c) || c == '_');
  }

  static boolean isName(String s) {
    return s.matches("[A-Za-z_][A-Za-z0-9_]*");
  }

  private static boolean isSpecial(String s) {
    return s.length() == 1 && "?#0123456789".contains(s);
  }

  static SyntaxError unsupported(String what, String feature) {
    return new SyntaxError("unsupported " + what + ": the in-memory shell has no " + feature);
  }
}
