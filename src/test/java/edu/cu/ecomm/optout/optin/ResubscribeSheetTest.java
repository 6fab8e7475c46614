package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.BOULDER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.delivery.CsvCells;
import edu.cu.ecomm.optout.optout.ContactPreferences;
import edu.cu.ecomm.optout.optout.WarningKind;

class ResubscribeSheetTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    private ContactPreferences contact(String id, String name, String email, boolean urgent) {
        Map<String, Boolean> none = new LinkedHashMap<>();
        return new ContactPreferences(id, name, email, urgent, none);
    }

    @Test
    void listsOpenRequestsThenNewPreferenceWarnings() {
        f.requests.open(null, contact(contactId(1), "Ada Lovelace", "ada@example.edu", false),
                new UnitStatus(f.units.unit(BOULDER), "Held", ShirtColour.GRAY, null));
        f.clock.advance(Duration.ofMinutes(1));
        f.requests.open(null, contact(contactId(2), "=cmd|'/C calc'!A0", "bob@example.edu", true),
                new UnitStatus(f.units.unit(DENVER), "Unsubscribed", ShirtColour.RED, null));
        f.tickets.sent(f.tickets.claim(f.requests.forContact(contactId(2)).get(0).id()));
        long changeId = f.change(contactId(3), true).id();
        f.warnings.record(changeId, contact(contactId(3), "O'Brien, Pat", "pat@example.edu", false),
                WarningKind.PREFERENCES_NOT_CLEARED, List.of("Pref_Events__c", "Pref_Giving__c"));

        ResubscribeSheet.Sheet sheet = f.sheet.build();

        long first = f.requests.forContact(contactId(1)).get(0).id();
        long second = f.requests.forContact(contactId(2)).get(0).id();
        assertThat(sheet.text()).isEqualTo(
                "Kind,Contact Id,Name,Email,Business Unit,MID,Status,Colour,Opened,Urgent,Ticket,Preference Fields,"
                + "Request\r\n"
                + "RESUBSCRIBE," + contactId(1) + ",Ada Lovelace,ada@example.edu,CU Boulder,200,Held,GRAY,"
                + "2026-11-23 07:00 -07:00,no,,,RSR-" + first + "\r\n"
                + "RESUBSCRIBE," + contactId(2) + ",'=cmd|'/C calc'!A0,bob@example.edu,CU Denver,300,Unsubscribed,RED,"
                + "2026-11-23 07:01 -07:00,yes,RSR-" + second + ",,RSR-" + second + "\r\n"
                + "PREFERENCES_NOT_CLEARED," + contactId(3) + ",\"O'Brien, Pat\",pat@example.edu,,,,,"
                + "2026-11-23 07:01 -07:00,,,\"Pref_Events__c,Pref_Giving__c\",\r\n");
        assertThat(sheet.fileName()).isEqualTo("resubscribe-requests-2026-11-23-070100-000.csv");
        assertThat(sheet.requestIds()).hasSize(2);
        assertThat(sheet.warningIds()).hasSize(1);
    }

    @Test
    void requestsStayOnTheSheetUntilClosedWhileWarningsAreListedOnce() {
        f.requests.open(null, contact(contactId(1), "Ada", null, false),
                new UnitStatus(f.units.unit(BOULDER), "Held", ShirtColour.GRAY, "ada@mc.example.edu"));
        long changeId = f.change(contactId(3), false).id();
        f.warnings.record(changeId, contact(contactId(3), "Pat", null, false), WarningKind.NO_CATEGORY_RECHECKED,
                List.of("Pref_Events__c"));
        f.sheet.markExported(f.sheet.build());
        f.clock.advance(Duration.ofDays(7));

        ResubscribeSheet.Sheet next = f.sheet.build();

        assertThat(next.text().lines()).hasSize(2);
        assertThat(next.text()).contains("ada@mc.example.edu").doesNotContain("NO_CATEGORY_RECHECKED");
        assertThat(f.requests.open().get(0).exportedAt()).isEqualTo(f.clock.instant().minus(Duration.ofDays(7)));

        f.requests.close(f.requests.open().get(0).id(), "done");
        assertThat(f.sheet.build().text().lines()).hasSize(1);
    }

    @Test
    void everyRequestRowNamesTheRequestIdThatEscalateAndCloseTake() {
        f.requests.open(null, contact(contactId(1), "Ada", null, false),
                new UnitStatus(f.units.unit(BOULDER), "Held", ShirtColour.GRAY, null));
        long requestId = f.requests.forContact(contactId(1)).get(0).id();
        long changeId = f.change(contactId(3), false).id();
        f.warnings.record(changeId, contact(contactId(3), "Pat", null, false), WarningKind.NO_CATEGORY_RECHECKED,
                List.of("Pref_Events__c"));
        f.jdbc.update("update contact_change set state = 'HELD' where id = ?", f.optIn(contactId(4)).id());

        List<String> lines = f.sheet.build().text().lines().toList();

        int request = ResubscribeSheet.HEADER.indexOf("Request");
        assertThat(request).as("the sheet has a Request column").isNotNegative();
        assertThat(lines).hasSize(4);
        // Not yet urgent: no ticket, so the Request column alone tells the admin which id to escalate or close.
        assertThat(lines.get(1)).startsWith("RESUBSCRIBE,").endsWith(",RSR-" + requestId);
        assertThat(lines.get(1).split(",", -1)[request]).isEqualTo("RSR-" + requestId);
        assertThat(lines.get(2)).startsWith("NO_CATEGORY_RECHECKED,").endsWith(",");
        assertThat(lines.get(3)).startsWith("HELD_OPT_IN,").endsWith(",");
    }

    @Test
    void anEmptySheetHasItsHeader() {
        assertThat(f.sheet.build().text()).isEqualTo(CsvCells.row(ResubscribeSheet.HEADER));
    }
}
