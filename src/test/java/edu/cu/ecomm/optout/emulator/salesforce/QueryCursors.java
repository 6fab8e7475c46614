package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Open query results, served a page at a time through {@code nextRecordsUrl}. A query's result is fixed when
 * it runs, as a Salesforce cursor is, so later changes do not shift rows between pages. Like Salesforce, only
 * the most recently used cursors stay open; an older locator answers {@code INVALID_QUERY_LOCATOR}.
 */
final class QueryCursors {

    private static final int OPEN_CURSORS = 10;

    private record Cursor(List<Map<String, Object>> records, int pageSize) {
    }

    private final SalesforceIds ids;
    private final Map<String, Cursor> open = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cursor> eldest) {
            return size() > OPEN_CURSORS;
        }
    };

    QueryCursors(SalesforceIds ids) {
        this.ids = ids;
    }

    /** The first page of {@code records} (already rendered rows); opens a cursor when more pages follow. */
    synchronized Map<String, Object> firstPage(List<Map<String, Object>> records, int pageSize, String version) {
        if (records.size() <= pageSize) {
            return page(records, 0, pageSize, null, version);
        }
        String cursorId = ids.next("01g");
        open.put(cursorId, new Cursor(List.copyOf(records), pageSize));
        return page(records, 0, pageSize, cursorId, version);
    }

    /** The page a locator of the form {@code <cursor id>-<offset>} points at. */
    synchronized Map<String, Object> page(String locator, String version) {
        int dash = locator.lastIndexOf('-');
        Cursor cursor = dash < 0 ? null : open.get(locator.substring(0, dash));
        int offset = -1;
        if (cursor != null) {
            try {
                offset = Integer.parseInt(locator.substring(dash + 1));
            } catch (NumberFormatException e) {
                offset = -1;
            }
        }
        if (cursor == null || offset < 0 || offset >= cursor.records().size()) {
            throw new SalesforceApiException(400, "INVALID_QUERY_LOCATOR", "invalid query locator");
        }
        return page(cursor.records(), offset, cursor.pageSize(), locator.substring(0, dash), version);
    }

    private static Map<String, Object> page(List<Map<String, Object>> records, int offset, int pageSize,
                                            String cursorId, String version) {
        int end = Math.min(records.size(), offset + pageSize);
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("totalSize", records.size());
        page.put("done", end == records.size());
        if (end < records.size()) {
            page.put("nextRecordsUrl", "/services/data/v" + version + "/query/" + cursorId + "-" + end);
        }
        page.put("records", records.subList(offset, end));
        return page;
    }
}
