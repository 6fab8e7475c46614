package edu.cu.ecomm.optout.optin;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

import edu.cu.ecomm.optout.delivery.CsvCells;
import edu.cu.ecomm.optout.guard.HeldOptIns;
import edu.cu.ecomm.optout.guard.HeldOptIns.HeldOptIn;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.optout.PreferenceWarnings;
import edu.cu.ecomm.optout.optout.PreferenceWarnings.PreferenceWarning;

/**
 * The weekly Re-subscribe Request Sheet: every open re-subscribe request, then every preference warning not
 * yet listed, as one CSV file (UTF-8, header row, RFC 4180, formulas neutralised — see {@link CsvCells}).
 * Times are shown in {@code optout.resubscribe.time-zone}. A sheet the endpoint would not take after the route's
 * retries is a dead letter ({@link #notSent}); its replay exports again ({@link ResubscribeAdmin}).
 */
@Component("resubscribeSheet")
public class ResubscribeSheet {

    /** The route whose dead letters are unsent sheets. */
    static final String ROUTE_ID = "resubscribe-export";
    private static final Logger LOG = LoggerFactory.getLogger(ResubscribeSheet.class);

    /** A built sheet: the file to send and what it lists, so that both can be marked once it is sent. */
    public record Sheet(String fileName, byte[] content, List<Long> requestIds, List<Long> warningIds,
                        Instant builtAt) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    /**
     * "Request" is the id {@code Resubscribe.escalate} and {@code close} take (RSR-&lt;id&gt;), on every request row:
     * "Ticket" shows it only once an urgent ticket went out. Last, so the columns before it keep their places.
     */
    static final List<String> HEADER = List.of("Kind", "Contact Id", "Name", "Email", "Business Unit", "MID",
            "Status", "Colour", "Opened", "Urgent", "Ticket", "Preference Fields", "Request");
    static final String RESUBSCRIBE = "RESUBSCRIBE";
    static final String HELD_OPT_IN = "HELD_OPT_IN";

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");
    /**
     * Down to the millisecond: a second export soon after the first (an admin's "export now") must not replace its
     * file, which alone lists the warnings the first export marked listed. Fixed width, so names sort by time.
     */
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmmss-SSS");

    private final ResubscribeRequests requests;
    private final PreferenceWarnings warnings;
    private final HeldOptIns held;
    private final DeadLetters deadLetters;
    private final Clock clock;
    private final ZoneId zone;
    private final TransactionTemplate transaction;

    public ResubscribeSheet(ResubscribeRequests requests, PreferenceWarnings warnings, HeldOptIns held,
                            DeadLetters deadLetters, Clock clock,
                            @Value("${optout.resubscribe.time-zone:America/Denver}") String zone,
                            TransactionTemplate transaction) {
        this.requests = requests;
        this.warnings = warnings;
        this.held = held;
        this.deadLetters = deadLetters;
        this.clock = clock;
        this.zone = ZoneId.of(zone);
        this.transaction = transaction;
    }

    public Sheet build() {
        Instant now = clock.instant();
        StringBuilder csv = new StringBuilder(CsvCells.row(HEADER));
        List<Long> requestIds = new ArrayList<>();
        for (ResubscribeRequest r : requests.open()) {
            csv.append(CsvCells.row(List.of(RESUBSCRIBE, r.contactId(), nz(r.contactName()), nz(r.contactEmail()),
                    r.unitName(), Long.toString(r.mid()), r.statusFound(), r.colour().name(), shown(r.openedAt()),
                    r.urgent() ? "yes" : "no", nz(r.ticketReference()), "", ResubscribeTickets.reference(r.id()))));
            requestIds.add(r.id());
        }
        List<Long> warningIds = new ArrayList<>();
        for (PreferenceWarning w : warnings.unlisted()) {
            csv.append(CsvCells.row(List.of(w.kind().name(), w.contactId(), nz(w.contactName()),
                    nz(w.contactEmail()), "", "", "", "", shown(w.foundAt()), "", "", w.fields(), "")));
            warningIds.add(w.id());
        }
        // Opt-ins the data-load guard holds, every week until an admin releases or rejects them; their transaction,
        // origin and the JMX operations are in the held-opt-ins file sent beside this sheet.
        for (HeldOptIn h : held.held()) {
            csv.append(CsvCells.row(List.of(HELD_OPT_IN, h.contactId(), "", "", "", "", "HELD " + nz(h.reason()), "",
                    shown(h.recordedAt()), "", "", "", "")));
        }
        String fileName = "resubscribe-requests-" + FILE_STAMP.format(now.atZone(zone)) + ".csv";
        return new Sheet(fileName, csv.toString().getBytes(StandardCharsets.UTF_8), requestIds, warningIds, now);
    }

    /** Once the sheet is sent: its requests were exported, its warnings listed. */
    public void markExported(Sheet sheet) {
        transaction.executeWithoutResult(tx -> {
            requests.markExported(sheet.requestIds(), sheet.builtAt());
            warnings.markListed(sheet.warningIds(), sheet.builtAt());
        });
    }

    /**
     * The export failed after the route's retries (the endpoint down, or the database): a dead letter for an
     * operator, whose replay exports again. When the sheet itself was not sent nothing was marked, so the next sheet
     * lists the same requests and warnings. When it was sent and only the held-opt-ins file after it failed, the
     * letter says so, not that the sheet was lost. One open letter stands for every export failed since: another
     * would only say the same.
     *
     * @param sheet the sheet of this export; null when it could not even be built
     * @param sheetSent true when the sheet was sent and marked, and the held-opt-ins file failed
     */
    public void notSent(Sheet sheet, Boolean sheetSent, Exception error) {
        String what;
        if (Boolean.TRUE.equals(sheetSent)) {
            what = "Held opt-ins file (after re-subscribe sheet " + sheet.fileName() + ", which was sent)";
        } else {
            what = sheet == null ? "Re-subscribe sheet (not built)" : "Re-subscribe sheet " + sheet.fileName() + " ("
                    + sheet.requestIds().size() + " request(s), " + sheet.warningIds().size() + " preference warning(s))";
        }
        LOG.warn("{} not sent after the retries: {}", what, String.valueOf(error));
        if (deadLetters.open().stream().noneMatch(letter -> ROUTE_ID.equals(letter.routeId()))) {
            deadLetters.record(ROUTE_ID, what + " not sent after the retries; replay exports a new sheet: " + error,
                    sheet == null ? null : sheet.fileName(), null, null, null);
        }
    }

    private String shown(Instant instant) {
        return instant == null ? "" : SHOWN.format(instant.atZone(zone));
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
