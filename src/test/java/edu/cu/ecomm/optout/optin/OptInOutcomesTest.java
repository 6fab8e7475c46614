package edu.cu.ecomm.optout.optin;

import static edu.cu.ecomm.optout.optin.FlowsFixture.BOULDER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.DENVER;
import static edu.cu.ecomm.optout.optin.FlowsFixture.PARENT;
import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.optout.ContactPreferences;
import edu.cu.ecomm.optout.optout.PreferenceWarnings.PreferenceWarning;
import edu.cu.ecomm.optout.optout.WarningKind;

class OptInOutcomesTest {

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();

    static ContactPreferences contact(String id, boolean urgent, String... ticked) {
        Map<String, Boolean> categories = new LinkedHashMap<>();
        for (String field : FlowsFixture.PREFERENCES.split(",")) {
            categories.put(field, List.of(ticked).contains(field));
        }
        return new ContactPreferences(id, "Ada Lovelace", "ada@example.edu", urgent, categories);
    }

    /** Runs one opt-in through the queue and the outcome, as opt-in-lookups does. */
    private ContactChange lookUp(String contactId, ContactPreferences contact) {
        ContactChange change = f.optIn(contactId);
        f.queue.enqueue(change);
        List<OptInLookup> batch = f.queue.claimDue();
        Map<String, ContactPreferences> contacts = contact == null ? Map.of() : Map.of(contactId, contact);
        f.outcomes.record(batch, contacts, f.marketingCloud.lookUp(f.queue.contactIds(batch)));
        return change;
    }

    @Test
    void storesEveryUnitsStatusWithItsColour() {
        String id = contactId(1);
        f.marketingCloud.subscriber(id, PARENT, "Active").subscriber(id, BOULDER, "Bounced")
                .subscriber(id, DENVER, "Held").subscriber(id, 400, "Unsubscribed");

        ContactChange change = lookUp(id, contact(id, false, "Pref_Events__c"));

        assertThat(f.statuses.forChange(change.id()))
                .extracting(s -> s.mid(), s -> s.unitName(), s -> s.status(), s -> s.colour())
                .containsExactly(
                        tuple(PARENT, "CU System", "Active", ShirtColour.GREEN),
                        tuple(BOULDER, "CU Boulder", "Bounced", ShirtColour.YELLOW),
                        tuple(DENVER, "CU Denver", "Held", ShirtColour.GRAY),
                        tuple(400L, "MID 400", "Unsubscribed", ShirtColour.RED));
        assertThat(f.requests.forContact(id)).extracting(ResubscribeRequest::unitName, ResubscribeRequest::colour)
                .containsExactly(tuple("CU Boulder", ShirtColour.YELLOW), tuple("CU Denver", ShirtColour.GRAY),
                        tuple("MID 400", ShirtColour.RED));
        assertThat(f.queue.countPending()).isZero();
    }

    @Test
    void greenInTheParentAndRedInAChildOpensARequestForTheChildOnly() {
        String id = contactId(2);
        f.marketingCloud.subscriber(id, PARENT, "Active").subscriber(id, BOULDER, "Unsubscribed");

        lookUp(id, contact(id, false, "Pref_Giving__c"));

        List<ResubscribeRequest> requests = f.requests.forContact(id);
        assertThat(requests).singleElement().satisfies(r -> {
            assertThat(r.mid()).isEqualTo(BOULDER);
            assertThat(r.unitName()).isEqualTo("CU Boulder");
            assertThat(r.statusFound()).isEqualTo("Unsubscribed");
            assertThat(r.colour()).isEqualTo(ShirtColour.RED);
            assertThat(r.contactName()).isEqualTo("Ada Lovelace");
            assertThat(r.contactEmail()).isEqualTo("ada@example.edu");
            assertThat(r.urgent()).isFalse();
            assertThat(r.isOpen()).isTrue();
        });
    }

    @Test
    void notFoundAnywhereOpensNothingButIsRecorded() {
        String id = contactId(3);

        ContactChange change = lookUp(id, contact(id, false, "Pref_Events__c"));

        assertThat(f.requests.forContact(id)).isEmpty();
        assertThat(f.statuses.forChange(change.id())).hasSize(3)
                .allSatisfy(s -> assertThat(s.colour()).isEqualTo(ShirtColour.NOT_FOUND));
        assertThat(f.queue.countPending()).isZero();
    }

    @Test
    void greenOrDeletedEverywhereOpensNothing() {
        String id = contactId(4);
        f.marketingCloud.subscriber(id, PARENT, "Active").subscriber(id, DENVER, "Deleted");

        lookUp(id, contact(id, false, "Pref_Events__c"));

        assertThat(f.requests.forContact(id)).isEmpty();
    }

    @Test
    void aSecondOptInDoesNotOpenADuplicateWhileTheRequestIsOpen() {
        String id = contactId(5);
        f.marketingCloud.subscriber(id, BOULDER, "Held");
        lookUp(id, contact(id, false, "Pref_Events__c"));
        f.marketingCloud.subscriber(id, BOULDER, "Bounced");

        lookUp(id, contact(id, false, "Pref_Events__c"));

        assertThat(f.requests.forContact(id)).singleElement().satisfies(r -> {
            assertThat(r.statusFound()).isEqualTo("Bounced");
            assertThat(r.colour()).isEqualTo(ShirtColour.YELLOW);
        });
    }

    @Test
    void aClosedRequestDoesNotStopANewOneLater() {
        String id = contactId(6);
        f.marketingCloud.subscriber(id, BOULDER, "Held");
        lookUp(id, contact(id, false, "Pref_Events__c"));
        f.requests.close(f.requests.forContact(id).get(0).id(), "done");

        lookUp(id, contact(id, false, "Pref_Events__c"));

        assertThat(f.requests.forContact(id)).extracting(ResubscribeRequest::isOpen).containsExactly(false, true);
    }

    @Test
    void theUrgentContactFieldMakesTheRequestUrgent() {
        String id = contactId(7);
        f.marketingCloud.subscriber(id, DENVER, "Bounced");

        lookUp(id, contact(id, true, "Pref_Events__c"));

        assertThat(f.requests.forContact(id)).singleElement().satisfies(r -> {
            assertThat(r.urgent()).isTrue();
            assertThat(r.urgentReason()).isEqualTo(ResubscribeRequests.URGENT_BY_FIELD);
        });
        assertThat(f.requests.unsentTickets()).hasSize(1);
    }

    @Test
    void aContactOptedOutAgainBeforeTheLookUpGetsNoRequest() {
        String id = contactId(11);
        f.marketingCloud.subscriber(id, BOULDER, "Unsubscribed");
        ContactPreferences optedOutAgain = new ContactPreferences(id, "Ada", null, true, Map.of("Pref_Events__c", false),
                true);

        ContactChange change = lookUp(id, optedOutAgain);

        assertThat(f.requests.forContact(id)).isEmpty();
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.statuses.forChange(change.id())).hasSize(3);
        assertThat(f.queue.countPending()).isZero();
    }

    @Test
    void aLookUpWhoseOptInWasHeldWhileItRanRecordsNothing() {
        String id = contactId(12);
        f.marketingCloud.subscriber(id, BOULDER, "Unsubscribed");
        ContactChange change = f.optIn(id);
        f.queue.enqueue(change);
        List<OptInLookup> batch = f.queue.claimDue();
        // The data-load guard holds the opt-in while its look-up is in flight.
        f.queue.withdraw(List.of(change.id()));

        int opened = f.outcomes.record(batch, Map.of(id, contact(id, true)), f.marketingCloud.lookUp(List.of(id)));

        assertThat(opened).isZero();
        assertThat(f.requests.forContact(id)).isEmpty();
        assertThat(f.requests.unsentTickets()).as("no urgent ticket").isEmpty();
        assertThat(f.statuses.forChange(change.id())).isEmpty();
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.count("optin_lookup")).as("a release queues it again").isZero();
    }

    @Test
    void aContactWhoOptedOutAgainWhileTheLookUpRanGetsNoRequest() {
        String id = contactId(13);
        f.marketingCloud.subscriber(id, BOULDER, "Unsubscribed");
        ContactChange change = f.optIn(id);
        f.queue.enqueue(change);
        List<OptInLookup> batch = f.queue.claimDue();
        // Salesforce was read before the opt-out; the opt-out flow ran before this look-up opened anything.
        Map<String, ContactPreferences> readBefore = Map.of(id, contact(id, false));
        f.clock.advance(Duration.ofSeconds(1));
        f.change(id, true);
        f.requests.closeOpenFor(id, "Contact opted out again");

        int opened = f.outcomes.record(batch, readBefore, f.marketingCloud.lookUp(List.of(id)));

        assertThat(opened).isZero();
        assertThat(f.requests.forContact(id)).isEmpty();
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.statuses.forChange(change.id())).hasSize(3);
        assertThat(f.queue.countPending()).isZero();
    }

    @Test
    void anOptInWithNoCategoryRecheckedIsListedAsAWarning() {
        String id = contactId(8);

        ContactChange change = lookUp(id, contact(id, false));

        assertThat(f.warnings.unlisted()).singleElement().satisfies((PreferenceWarning w) -> {
            assertThat(w.changeId()).isEqualTo(change.id());
            assertThat(w.kind()).isEqualTo(WarningKind.NO_CATEGORY_RECHECKED);
            assertThat(w.fields()).isEqualTo(FlowsFixture.PREFERENCES);
            assertThat(w.contactName()).isEqualTo("Ada Lovelace");
        });
    }

    @Test
    void anOptInWithACategoryRecheckedIsNotAWarning() {
        String id = contactId(9);

        lookUp(id, contact(id, false, "Pref_Alumni_News__c"));

        assertThat(f.warnings.unlisted()).isEmpty();
    }

    @Test
    void aContactSalesforceNoLongerHasIsADeadLetterButStillCheckedInMarketingCloud() {
        String id = contactId(10);
        f.marketingCloud.subscriber(id, BOULDER, "Held");

        lookUp(id, null);

        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> {
            assertThat(d.routeId()).isEqualTo("opt-in-lookups");
            assertThat(d.contactId()).isEqualTo(id);
            assertThat(d.reason()).as("nothing can replay it: the operator is told to discard it")
                    .endsWith("nothing to replay (the look-up went ahead): check the contact in Salesforce, then"
                            + " discard this letter");
        });
        assertThat(f.requests.forContact(id)).hasSize(1);
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.queue.countPending()).isZero();
    }
}
