package run.getbot.isolation.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** The results directory: one JSON file per phase, read back by {@link Report}. */
final class Results {

  /** Indented, for the result files. */
  static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
  /** Compact, for request bodies. */
  static final ObjectMapper COMPACT = new ObjectMapper();

  private Results() {}

  static Path dir() {
    Path dir = Path.of(System.getProperty("gbb.results", "benchmarks/target/bench-results"));
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return dir;
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  static void write(String name, JsonNode node) {
    try {
      Files.write(dir().resolve(name + ".json"), JSON.writeValueAsBytes(node));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Optional<JsonNode> read(String name) {
    Path file = dir().resolve(name + ".json");
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readTree(file.toFile()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void log(String format, Object... args) {
    System.out.printf("[bench] " + format + "%n", args);
    System.out.flush();
  }
}
