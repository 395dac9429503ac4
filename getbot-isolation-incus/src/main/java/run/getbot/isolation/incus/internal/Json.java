package run.getbot.isolation.incus.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/** The one Jackson mapper and small tree helpers. Internal. */
public final class Json {

  /** Shared, thread-safe mapper. */
  public static final ObjectMapper MAPPER =
      new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

  private Json() {}

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** Parses {@code bytes} as JSON; throws {@link IOException} on malformed input. */
  public static JsonNode parse(byte[] bytes) throws IOException {
    return MAPPER.readTree(bytes);
  }

  /** Serializes a tree or value. */
  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialize " + value.getClass(), e);
    }
  }

  /** {@code node.get(field).asText()} or {@code ""} when absent or null. */
  public static String text(JsonNode node, String field) {
    if (node == null) {
      return "";
    }
    JsonNode value = node.get(field);
    return value == null || value.isNull() ? "" : value.asText();
  }

  /** The object-valued field, or an empty object (never null). */
  public static JsonNode obj(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value != null && value.isObject() ? value : object();
  }

  /** A string map view of a JSON object of strings (e.g. Incus {@code config}). */
  public static Map<String, String> stringMap(JsonNode node) {
    Map<String, String> map = new LinkedHashMap<>();
    if (node != null && node.isObject()) {
      node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().isNull() ? "" : e.getValue().asText()));
    }
    return map;
  }
}
