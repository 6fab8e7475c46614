package edu.cu.ecomm.optout.guard;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import edu.cu.ecomm.optout.delivery.SoqlQueries;
import edu.cu.ecomm.optout.ledger.ChangeSource;
import edu.cu.ecomm.optout.ledger.LedgerWrites;
import edu.cu.ecomm.optout.ledger.NewChange;
import edu.cu.ecomm.optout.optin.FlowsFixture;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

/** The weekly file of held opt-ins over a real (H2) ledger, with Salesforce's answers to its SOQL given here. */
class HeldOptInSheetTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    private final HeldOptIns held = new HeldOptIns(f.jdbc, new LedgerWrites(f.jdbc, f.transaction), f.clock, true);
    private final List<String> queries = new CopyOnWriteArrayList<>();
    private int events;

    @Test
    void eachHeldOptInShowsTheContactsNameAndEmailAsSalesforceHasThemNow() {
        long ada = hold(contactId(1));
        long formula = hold(contactId(2));
        SoqlQueries salesforce = soql -> {
            queries.add(soql);
            return List.of(Map.of("Id", contactId(1), "Name", "Ada Lovelace", "Email", "ada@example.edu"),
                    Map.of("Id", contactId(2), "Name", "=HYPERLINK(\"x\")", "Email", "f@example.edu"));
        };

        List<String> lines = new HeldOptInSheet(held, salesforce, f.clock, "America/Denver").build().text().lines()
                .toList();

        assertThat(lines.get(0)).startsWith("Kind,Change Id,Contact Id,Name,Email,Transaction,Opt-ins In Transaction,");
        assertThat(lines.get(1)).startsWith("HELD_OPT_IN," + ada + "," + contactId(1) + ",Ada Lovelace,ada@example.edu,tx-1,");
        assertThat(lines.get(2)).startsWith("HELD_OPT_IN," + formula + "," + contactId(2)
                + ",\"'=HYPERLINK(\"\"x\"\")\",f@example.edu,tx-1,");
        assertThat(queries).singleElement().satisfies(soql -> assertThat(soql)
                .startsWith("SELECT Id, Name, Email FROM Contact WHERE Id IN (").contains(contactId(1), contactId(2)));
    }

    @Test
    void whenSalesforceCannotBeReadTheFileStillListsTheHeldOptInsWithoutNames() {
        long change = hold(contactId(1));
        SoqlQueries unreachable = soql -> {
            throw new IllegalStateException("Salesforce did not answer");
        };

        HeldOptInSheet.Sheet sheet = new HeldOptInSheet(held, unreachable, f.clock, "America/Denver").build();

        assertThat(sheet.held()).isEqualTo(1);
        assertThat(sheet.text().lines().toList().get(1)).startsWith("HELD_OPT_IN," + change + "," + contactId(1) + ",,,tx-1,");
    }

    private long hold(String contactId) {
        long id = f.ledger.record(new NewChange(contactId, false, "UPDATE", f.clock.instant(), 1L, "tx-1", 1,
                "guard-event-" + (++events), "replay", "com/salesforce/api/bulkapi/64.0", "005000000000001AAA",
                ChangeSource.CDC)).orElseThrow();
        f.jdbc.update("update contact_change set state = 'HELD' where id = ?", id);
        return id;
    }
}
