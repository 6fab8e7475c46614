package edu.cu.ecomm.optout.guard;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;

import edu.cu.ecomm.optout.delivery.ContactFieldLookup;
import edu.cu.ecomm.optout.delivery.CsvCells;
import edu.cu.ecomm.optout.delivery.SoqlQueries;
import edu.cu.ecomm.optout.guard.HeldOptIns.HeldOptIn;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The held opt-ins in detail, for the weekly export: a file next to the Re-subscribe Request Sheet
 * ({@code held-opt-ins-<yyyy-MM-dd-HHmm>.csv}, same endpoint, same run). The sheet has one summary row per held
 * opt-in (kind HELD_OPT_IN: contact, reason, when recorded); this file has the detail the sheet's columns have no
 * room for — a held opt-in has no business unit or shirt colour, it has a transaction and an origin. One row per
 * held opt-in, sorted by transaction then contact, each row repeating its transaction's figures, so a spreadsheet
 * filter on the Transaction column shows one data load; the last column says which JMX operation acts on it.
 * Held opt-ins are listed every week until an admin releases or rejects them. UTF-8, header row, RFC 4180,
 * formulas neutralised ({@link CsvCells}).
 *
 * <p>Each row also shows the contact's Name and Email as Salesforce has them now (SOQL, 200 contacts a query), so
 * that an admin can tell a person's opt-in from a data load's, for the first {@value #MAX_NAMED} held contacts: a
 * data load of thousands is judged by its transaction, and looking all of them up would cost a query per 200 every
 * week. If Salesforce cannot be read, the file goes out without them rather than not at all.
 */
@Component("heldOptInSheet")
public class HeldOptInSheet {

    private static final Logger LOG = LoggerFactory.getLogger(HeldOptInSheet.class);

    /** A built file: its name, its bytes and how many held opt-ins it lists. */
    public record Sheet(String fileName, byte[] content, int held) {

        public String text() {
            return new String(content, StandardCharsets.UTF_8);
        }
    }

    static final List<String> HEADER = List.of("Kind", "Change Id", "Contact Id", "Name", "Email", "Transaction",
            "Opt-ins In Transaction", "Reason", "Change Origin", "Commit User", "Committed", "Held Since",
            "To Act (JMX DataLoadGuard)");
    static final String KIND = "HELD_OPT_IN";
    static final int MAX_NAMED = 2_000;
    private static final List<String> NOT_LOOKED_UP = List.of("", "");

    private static final DateTimeFormatter SHOWN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm xxx");
    private static final DateTimeFormatter FILE_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd-HHmm");

    private final HeldOptIns held;
    private final ContactFieldLookup nameAndEmailLookup;
    private final Clock clock;
    private final ZoneId zone;

    public HeldOptInSheet(HeldOptIns held, SoqlQueries soql, Clock clock,
                          @Value("${optout.resubscribe.time-zone:America/Denver}") String zone) {
        this.held = held;
        this.nameAndEmailLookup = new ContactFieldLookup(soql, "Name,Email");
        this.clock = clock;
        this.zone = ZoneId.of(zone);
    }

    public Sheet build() {
        Instant now = clock.instant();
        StringBuilder csv = new StringBuilder(CsvCells.row(HEADER));
        List<HeldOptIn> rows = held.held();
        Map<String, List<String>> who = namesAndEmails(rows);
        for (HeldOptIn h : rows) {
            List<String> nameAndEmail = who.getOrDefault(h.contactId(), NOT_LOOKED_UP);
            csv.append(CsvCells.row(List.of(KIND, Long.toString(h.changeId()), h.contactId(), nameAndEmail.get(0),
                    nameAndEmail.get(1), nz(h.transactionKey()),
                    Integer.toString(h.transactionOptIns()), nz(h.reason()), nz(h.changeOrigin()), nz(h.commitUser()),
                    shown(h.commitTimestamp()), shown(h.recordedAt()),
                    "releaseTransaction / rejectTransaction, or releaseChange / rejectChange " + h.changeId())));
        }
        String fileName = "held-opt-ins-" + FILE_STAMP.format(now.atZone(zone)) + ".csv";
        return new Sheet(fileName, csv.toString().getBytes(StandardCharsets.UTF_8), rows.size());
    }

    private Map<String, List<String>> namesAndEmails(List<HeldOptIn> rows) {
        List<String> contacts = rows.stream().map(HeldOptIn::contactId).distinct().limit(MAX_NAMED).toList();
        try {
            return nameAndEmailLookup.lookup(contacts);
        } catch (RuntimeException e) {
            LOG.warn("Held opt-ins: names and emails could not be read from Salesforce ({}); the file lists ids only",
                    e.getMessage());
            return Map.of();
        }
    }

    private String shown(Instant instant) {
        return instant == null ? "" : SHOWN.format(instant.atZone(zone));
    }

    private static String nz(String value) {
        return value == null ? "" : value;
    }
}
