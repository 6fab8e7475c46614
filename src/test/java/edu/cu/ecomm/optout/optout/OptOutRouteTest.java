package edu.cu.ecomm.optout.optout;

import static edu.cu.ecomm.optout.optin.FlowsFixture.contactId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.camel.Exchange;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.component.salesforce.api.dto.RestError;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import edu.cu.ecomm.optout.ledger.ChangeState;
import edu.cu.ecomm.optout.ledger.ContactChange;
import edu.cu.ecomm.optout.ledger.DeadLetterService;
import edu.cu.ecomm.optout.ledger.DeadLetterService.Outcome;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.optin.FlowRoutes;
import edu.cu.ecomm.optout.optin.FlowsFixture;

/** The route opt-out, with Salesforce's getSObject answered in-process. */
class OptOutRouteTest {

    @TempDir
    Path outbox;

    @AutoClose
    private final FlowsFixture f = new FlowsFixture();
    private final List<String> reads = new ArrayList<>();
    /** The fields each read asked for (camel-salesforce takes the sObjectFields header over the endpoint's option). */
    private final List<String> fieldsRead = new ArrayList<>();
    private final AtomicInteger unavailable = new AtomicInteger();
    /** Reads answered 429: too many requests at once. */
    private final AtomicInteger tooManyRequests = new AtomicInteger();
    /** Reads answered 403 REQUEST_LIMIT_EXCEEDED: the org's API request limit is spent. */
    private volatile boolean limitExceeded;
    private volatile String answer;
    private volatile boolean unknown;
    private volatile boolean refused;
    private FlowRoutes routes;
    private OptOutCheckReplay replay;
    private DeadLetterService deadLetterService;

    @BeforeEach
    void startRoutes() throws Exception {
        routes = new FlowRoutes(f, outbox, "opt-out.camel.yaml")
                .advice("opt-out", a -> a.weaveById("read-contact-preferences").replace().process(this::getSObject))
                .advice("opt-out-check-replay",
                        a -> a.weaveById("re-read-contact-preferences").replace().process(this::getSObject))
                .start();
        replay = new OptOutCheckReplay(f.ledger, f.warnings, routes.context.createProducerTemplate());
        deadLetterService = new DeadLetterService(f.deadLetters, List.of(replay));
    }

    @AfterEach
    void stopRoutes() {
        routes.close();
    }

    private void getSObject(Exchange exchange) throws SalesforceException {
        reads.add(exchange.getMessage().getHeader("sObjectId", String.class));
        fieldsRead.add(exchange.getMessage().getHeader("sObjectFields", String.class));
        if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SalesforceException("Service Unavailable (emulated)", 503);
        }
        if (tooManyRequests.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new SalesforceException("Too Many Requests (emulated)", 429);
        }
        if (limitExceeded) {
            throw new SalesforceException(List.of(new RestError("REQUEST_LIMIT_EXCEEDED",
                    "TotalRequests Limit exceeded.")), 403);
        }
        if (unknown) {
            throw new SalesforceException("NOT_FOUND: The requested resource does not exist", 404);
        }
        if (refused) {
            throw new SalesforceException("INVALID_FIELD: No such column 'Pref_Events__c' on entity 'Contact'", 400);
        }
        exchange.getMessage().setBody(answer);
    }

    /** A re-subscribe request an earlier opt-in opened: the contact is Held (gray) in Boulder. */
    private void openGrayRequestInBoulder(String contactId) {
        openGrayRequestInBoulder(null, contactId);
    }

    /** A re-subscribe request the look-up of the opt-in {@code changeId} opened. */
    private void openGrayRequestInBoulder(Long changeId, String contactId) {
        f.requests.open(changeId, new ContactPreferences(contactId, "Ada", null, false, java.util.Map.of()),
                new edu.cu.ecomm.optout.optin.UnitStatus(f.units.unit(FlowsFixture.BOULDER), "Held",
                        edu.cu.ecomm.optout.optin.ShirtColour.GRAY, null));
    }

    private static String contact(String id, boolean alumni, boolean events, boolean giving) {
        return contact(id, true, alumni, events, giving);
    }

    private static String contact(String id, boolean optedOut, boolean alumni, boolean events, boolean giving) {
        return """
                {"attributes":{"type":"Contact"},"Id":"%s","Name":"Ada Lovelace","Email":"ada@example.edu",
                 "HasOptedOutOfEmail":%s,"Pref_Alumni_News__c":%s,"Pref_Events__c":%s,"Pref_Giving__c":%s}"""
                .formatted(id, optedOut, alumni, events, giving);
    }

    @Test
    void preferencesNotClearedAfterAnOptOutAreListedAndTheChangeIsReady() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, true, false);

        routes.send("direct:opt-out", change);

        assertThat(reads).containsExactly(contactId(1));
        assertThat(f.warnings.unlisted()).singleElement().satisfies(w -> {
            assertThat(w.kind()).isEqualTo(WarningKind.PREFERENCES_NOT_CLEARED);
            assertThat(w.fields()).isEqualTo("Pref_Events__c");
        });
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void theContactIsReadWithTheFieldListSalesforceContactsChecked() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, false, false);

        routes.send("direct:opt-out", change);

        assertThat(fieldsRead).containsExactly(f.contacts.fieldList());
        assertThat(f.contacts.fieldList()).isEqualTo("Id,Name,Email,HasOptedOutOfEmail,Urgent_Resubscribe__c,"
                + FlowsFixture.PREFERENCES);
    }

    @Test
    void anOptOutClosesTheContactsOpenResubscribeRequests() {
        openGrayRequestInBoulder(contactId(1));
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, false, false);

        routes.send("direct:opt-out", change);

        assertThat(f.requests.open()).isEmpty();
        assertThat(f.requests.forContact(contactId(1)).get(0).closeReason()).isEqualTo("Contact opted out again");
    }

    @Test
    void anOptOutHandedOverAfterTheContactOptedInAgainLeavesTheOptInsRequestsAndListsNoWarning() {
        openGrayRequestInBoulder(contactId(1));
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, true, true, false); // opted in again, categories re-ticked

        routes.send("direct:opt-out", change);

        assertThat(f.requests.open()).hasSize(1);
        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void clearedPreferencesLeaveNoWarning() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, false, false);

        routes.send("direct:opt-out", change);

        assertThat(f.warnings.unlisted()).isEmpty();
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void anUnknownContactIsADeadLetterAndStillGoesToAscend() {
        ContactChange change = f.change(contactId(1), true);
        unknown = true;

        routes.send("direct:opt-out", change);

        assertThat(reads).hasSize(1);
        assertThat(f.requests.open()).isEmpty();
        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> assertThat(d.routeId()).isEqualTo("opt-out"));
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void aReadSalesforceRefusesIsADeadLetterAtOnceAndTheChangeStillGoesToAscend() {
        ContactChange change = f.change(contactId(1), true);
        refused = true;

        routes.send("direct:opt-out", change);
        routes.send("direct:opt-out", change); // handed over again: nothing more

        assertThat(reads).as("no retries: the same request gets the same answer").hasSize(2);
        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> {
            assertThat(d.routeId()).isEqualTo("opt-out");
            assertThat(d.reason()).contains("preferences not checked").contains("INVALID_FIELD");
        });
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void salesforceBrieflyUnavailableIsRetried() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), true, false, false);
        unavailable.set(2);

        routes.send("direct:opt-out", change);

        assertThat(reads).hasSize(3);
        assertThat(f.warnings.unlisted()).hasSize(1);
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void salesforceDownPastTheRetriesLeavesTheChangeReceivedForTheNextDispatch() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), false, false, false);
        unavailable.set(10);

        assertThatThrownBy(() -> routes.send("direct:opt-out", change)).hasRootCauseInstanceOf(SalesforceException.class);

        assertThat(reads).hasSize(4);
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.RECEIVED);
        assertThat(f.deadLetters.open()).isEmpty();
    }

    /** The opt-out, then an opt-in a minute later whose look-up opened a request; the opt-out is handed over late. */
    private ContactChange optOutFollowedByAnOptInWithARequest() {
        ContactChange optOut = f.change(contactId(1), true);
        f.clock.advance(Duration.ofMinutes(1));
        openGrayRequestInBoulder(f.optIn(contactId(1)).id(), contactId(1));
        return optOut;
    }

    @Test
    void aRefusedReadLeavesTheRequestsOfALaterOptInOpen() {
        ContactChange optOut = optOutFollowedByAnOptInWithARequest();
        refused = true;

        routes.send("direct:opt-out", optOut);

        assertThat(f.requests.open()).as("requests of the later opt-in").hasSize(1);
        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> assertThat(d.reason())
                .contains("re-subscribe requests left open: the ledger holds a later opt-in"));
    }

    @Test
    void anUnknownContactLeavesTheRequestsOfALaterOptInOpen() {
        ContactChange optOut = optOutFollowedByAnOptInWithARequest();
        unknown = true;

        routes.send("direct:opt-out", optOut);

        assertThat(f.requests.open()).as("requests of the later opt-in").hasSize(1);
    }

    @Test
    void aRefusedReadClosesTheRequestsOfAnEarlierOptInAndTheDeadLetterSaysSo() {
        openGrayRequestInBoulder(f.optIn(contactId(1)).id(), contactId(1));
        f.clock.advance(Duration.ofMinutes(1));
        ContactChange optOut = f.change(contactId(1), true);
        refused = true;

        routes.send("direct:opt-out", optOut);

        assertThat(f.requests.open()).isEmpty();
        assertThat(f.requests.forContact(contactId(1)).get(0).closeReason())
                .isEqualTo("Contact opted out again (Salesforce refused to read it)");
        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> assertThat(d.reason())
                .contains("1 open re-subscribe request(s) closed"));
    }

    @Test
    void aLaterOptInAnAdminRejectedDoesNotKeepTheRequestsOfAnEarlierOneOpen() {
        openGrayRequestInBoulder(f.optIn(contactId(1)).id(), contactId(1));
        f.clock.advance(Duration.ofMinutes(1));
        ContactChange optOut = f.change(contactId(1), true);
        f.clock.advance(Duration.ofMinutes(1));
        long rejected = f.optIn(contactId(1)).id(); // a data load's opt-in, held, then rejected
        f.jdbc.update("update contact_change set state = ? where id = ?", ChangeState.REJECTED.name(), rejected);
        refused = true;

        routes.send("direct:opt-out", optOut);

        assertThat(f.requests.open()).isEmpty();
    }

    @Test
    void anUnknownContactClosesTheRequestsOfAnEarlierOptInSayingTheContactIsGone() {
        openGrayRequestInBoulder(f.optIn(contactId(1)).id(), contactId(1));
        f.clock.advance(Duration.ofMinutes(1));
        ContactChange optOut = f.change(contactId(1), true);
        unknown = true;

        routes.send("direct:opt-out", optOut);

        assertThat(f.requests.open()).isEmpty();
        assertThat(f.requests.forContact(contactId(1)).get(0).closeReason())
                .isEqualTo("Contact opted out again, and is no longer in Salesforce");
        assertThat(f.deadLetters.open()).singleElement().satisfies(d -> assertThat(d.reason())
                .contains("1 open re-subscribe request(s) closed"));
    }

    @Test
    void salesforceAskingToTryAgainSoonIsRetriedLikeAnOutage() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), true, false, false);
        tooManyRequests.set(2);

        routes.send("direct:opt-out", change);

        assertThat(reads).hasSize(3);
        assertThat(f.warnings.unlisted()).hasSize(1);
        assertThat(f.deadLetters.open()).isEmpty();
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void salesforceAskingToTryAgainSoonPastTheRetriesLeavesTheChangeReceivedForTheNextDispatch() {
        ContactChange change = f.change(contactId(1), true);
        tooManyRequests.set(10);

        assertThatThrownBy(() -> routes.send("direct:opt-out", change)).hasRootCauseInstanceOf(SalesforceException.class);

        assertThat(reads).hasSize(4);
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.RECEIVED);
        assertThat(f.deadLetters.open()).isEmpty();
    }

    @Test
    void salesforceOutOfApiRequestsIsADeadLetterToReplayOnceTheLimitResetsAndTheOptOutStillGoesToAscend() {
        ContactChange change = f.change(contactId(1), true);
        answer = contact(contactId(1), true, true, false);
        limitExceeded = true;

        routes.send("direct:opt-out", change);

        assertThat(reads).hasSize(1);
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
        DeadLetter letter = f.deadLetters.open().get(0);
        assertThat(letter.reason()).contains("REQUEST_LIMIT_EXCEEDED");

        limitExceeded = false;
        assertThat(deadLetterService.replay(letter.id()).resolved()).isTrue();
        assertThat(f.warnings.unlisted()).hasSize(1);
    }

    /** The letter of an opt-out whose read Salesforce refused. */
    private DeadLetter refusedReadLetter(ContactChange change) {
        refused = true;
        routes.send("direct:opt-out", change);
        refused = false;
        return f.deadLetters.open().get(0);
    }

    @Test
    void replayingARefusedReadsLetterChecksThePreferencesAndRecordsTheWarningOnce() {
        ContactChange change = f.change(contactId(1), true);
        DeadLetter letter = refusedReadLetter(change);
        answer = contact(contactId(1), false, true, false);

        Outcome outcome = deadLetterService.replay(letter.id());
        replay.replay(letter); // checked again, e.g. replayed from another node at the same moment

        assertThat(outcome.resolved()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).contains("Pref_Events__c still ticked");
        assertThat(f.deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo("REPLAYED");
        assertThat(f.warnings.unlisted()).singleElement().satisfies(w -> {
            assertThat(w.changeId()).isEqualTo(change.id());
            assertThat(w.kind()).isEqualTo(WarningKind.PREFERENCES_NOT_CLEARED);
            assertThat(w.fields()).isEqualTo("Pref_Events__c");
        });
        assertThat(f.ledger.find(change.id()).orElseThrow().state()).isEqualTo(ChangeState.READY);
    }

    @Test
    void replayingARefusedReadsLetterOfAContactOptedInSinceChecksNothing() {
        DeadLetter letter = refusedReadLetter(f.change(contactId(1), true));
        answer = contact(contactId(1), false, true, true, false); // opted in again, categories re-ticked

        Outcome outcome = deadLetterService.replay(letter.id());

        assertThat(outcome.resolved()).as(outcome.message()).isTrue();
        assertThat(outcome.message()).contains("no longer opted out");
        assertThat(f.warnings.unlisted()).isEmpty();
    }

    @Test
    void aReplayWhileSalesforceStillRefusesTheReadLeavesTheLetterOpen() {
        DeadLetter letter = refusedReadLetter(f.change(contactId(1), true));
        refused = true;

        Outcome outcome = deadLetterService.replay(letter.id());

        assertThat(outcome.resolved()).isFalse();
        assertThat(outcome.message()).contains("INVALID_FIELD");
        assertThat(f.deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo("OPEN");
        assertThat(f.deadLetters.open()).as("the replay writes no letter of its own").hasSize(1);
        assertThat(f.warnings.unlisted()).isEmpty();
    }

    @Test
    void replayingTheLetterOfAContactStillNotInSalesforceSaysToDiscardIt() {
        unknown = true;
        routes.send("direct:opt-out", f.change(contactId(1), true));
        DeadLetter letter = f.deadLetters.open().get(0);

        Outcome outcome = deadLetterService.replay(letter.id());

        assertThat(outcome.resolved()).isFalse();
        assertThat(outcome.message()).contains("is not in Salesforce").contains("discard the letter");
        assertThat(f.deadLetters.find(letter.id()).orElseThrow().state()).isEqualTo("OPEN");
    }
}
