package edu.cu.ecomm.optout.delivery;

import java.util.List;

/**
 * CSV the way the Ascend file writes it: RFC 4180 (comma-separated, CRLF line ends, a cell quoted when it
 * holds a comma, quote, CR or LF, quotes doubled) and spreadsheet formulas neutralised: a cell starting with
 * {@code = + - @}, tab or CR gets a leading {@code '} so a spreadsheet shows it as text.
 *
 * <p>One rule for every CSV the service writes: the Ascend file and the Re-subscribe Request Sheet.
 */
public final class CsvCells {

    public static final String LINE_END = "\r\n";

    private CsvCells() {
    }

    /** One line, CRLF-terminated. */
    public static String row(List<String> cells) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) {
                line.append(',');
            }
            line.append(cell(cells.get(i)));
        }
        return line.append(LINE_END).toString();
    }

    /** One cell, neutralised then quoted as needed; null is an empty cell. */
    public static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        String text = value;
        char first = text.charAt(0);
        if (first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r') {
            text = "'" + text;
        }
        boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\r') >= 0
                || text.indexOf('\n') >= 0;
        return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
    }
}
