package run.getbot.isolation.examples;

import java.util.ArrayList;
import java.util.List;
import run.getbot.isolation.InstanceType;
import run.getbot.isolation.OrgContainer;

/** Renders org containers as the table {@code incus list} prints: NAME, STATE, IPV4, TYPE, SNAPSHOTS. */
public final class OrgTable {

  private static final List<String> HEADERS = List.of("NAME", "STATE", "IPV4", "TYPE", "SNAPSHOTS");

  private OrgTable() {}

  /** The table for {@code containers}, one line per row, ending with a newline. */
  public static String render(List<OrgContainer> containers) {
    List<List<String>> rows = new ArrayList<>();
    for (OrgContainer c : containers) {
      rows.add(List.of(
          c.name().value(),
          c.state().name(),
          c.ipv4().map(ip -> ip + " (eth0)").orElse(""),
          c.type() == InstanceType.CONTAINER ? "CONTAINER" : "VIRTUAL-MACHINE",
          Integer.toString(c.snapshotCount())));
    }
    int[] widths = new int[HEADERS.size()];
    for (int i = 0; i < widths.length; i++) {
      widths[i] = HEADERS.get(i).length();
      for (List<String> row : rows) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    StringBuilder out = new StringBuilder();
    String rule = rule(widths);
    out.append(rule);
    out.append(line(HEADERS, widths, true));
    out.append(rule);
    for (List<String> row : rows) {
      out.append(line(row, widths, false));
    }
    if (!rows.isEmpty()) {
      out.append(rule);
    }
    return out.toString();
  }

  private static String rule(int[] widths) {
    StringBuilder sb = new StringBuilder("+");
    for (int w : widths) {
      sb.append("-".repeat(w + 2)).append('+');
    }
    return sb.append('\n').toString();
  }

  private static String line(List<String> cells, int[] widths, boolean centered) {
    StringBuilder sb = new StringBuilder("|");
    for (int i = 0; i < widths.length; i++) {
      String cell = cells.get(i);
      int pad = widths[i] - cell.length();
      int left = centered ? pad / 2 : 0;
      sb.append(' ').append(" ".repeat(left)).append(cell).append(" ".repeat(pad - left)).append(" |");
    }
    return sb.append('\n').toString();
  }
}
