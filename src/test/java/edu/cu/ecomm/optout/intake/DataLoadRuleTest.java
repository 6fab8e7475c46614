package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import edu.cu.ecomm.optout.intake.DataLoadRule.Decision;
import edu.cu.ecomm.optout.intake.DataLoadRule.Reason;
import edu.cu.ecomm.optout.intake.DataLoadRule.Tally;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class DataLoadRuleTest {

    private static final List<String> DEFAULT_ORIGINS = List.of("/api/bulkapi/", ";client=DataLoader");
    private static final String PERSON = "com/salesforce/api/rest/64.0";

    private final DataLoadRule rule = new DataLoadRule(20, DEFAULT_ORIGINS);

    @Nested
    class ChangeOrigins {

        @Test
        void dataLoaderInEitherModeIsABulkOrigin() {
            assertThat(rule.bulkOrigin("com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/")).isPresent();
            assertThat(rule.bulkOrigin("com/salesforce/api/soap/64.0;client=DataLoaderPartnerUI/")).isPresent();
            assertThat(rule.bulkOrigin("com/salesforce/api/rest/64.0;client=dataloaderbatch")).isPresent();
        }

        @Test
        void anyBulkApiChangeIsABulkOrigin() {
            assertThat(rule.bulkOrigin("com/salesforce/api/bulkapi/64.0;client=SomeEtl")).contains("/api/bulkapi/");
            assertThat(rule.bulkOrigin("com/salesforce/api/bulkapi/58.0")).isPresent();
        }

        @Test
        void aPersonInTheBrowserOrAnAppWithoutBulkIsNot() {
            assertThat(rule.bulkOrigin(PERSON)).isEmpty();
            assertThat(rule.bulkOrigin("com/salesforce/api/soap/64.0;client=Astro")).isEmpty();
            assertThat(rule.bulkOrigin("")).isEmpty();
            assertThat(rule.bulkOrigin(null)).isEmpty();
        }

        @Test
        void configuredPatternsAreRegularExpressionsAndBlankOnesAreIgnored() {
            DataLoadRule custom = new DataLoadRule(20, List.of(" ", "client=(Jitterbit|Informatica)"));

            assertThat(custom.bulkOrigin("com/salesforce/api/soap/64.0;client=informatica")).isPresent();
            assertThat(custom.bulkOrigin("com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/")).isEmpty();
        }

        @Test
        void aSmallTransactionFromABulkOriginIsHeld() {
            Decision decision = rule.decide(Tally.NONE, 1, "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/");

            assertThat(decision.held()).isTrue();
            assertThat(decision.reason()).isEqualTo(Reason.BULK_ORIGIN);
            assertThat(decision.crossing()).isFalse();
            assertThat(decision.detail()).contains("DataLoaderBulkUI").contains(";client=DataLoader");
        }
    }

    @Nested
    class Threshold {

        @Test
        void aTransactionOfExactlyTheLimitFlowsOneMoreIsHeld() {
            assertThat(rule.decide(Tally.NONE, 20, PERSON).held()).isFalse();

            Decision over = rule.decide(Tally.NONE, 21, PERSON);
            assertThat(over.held()).isTrue();
            assertThat(over.reason()).isEqualTo(Reason.MASS_TRANSACTION);
            assertThat(over.crossing()).as("nothing recorded before this event").isFalse();
        }

        @Test
        void optInsAreCountedAcrossTheEventsOfOneTransaction() {
            // A composite update that re-ticked a category on some contacts: Salesforce sends one event per distinct
            // change, the same transaction key on each.
            Tally tally = Tally.NONE;
            Decision decision = null;
            int[] events = {8, 8, 8};
            boolean[] heldAfter = new boolean[events.length];
            for (int i = 0; i < events.length; i++) {
                decision = rule.decide(tally, events[i], PERSON);
                tally = new Tally(tally.optIns() + events[i], decision.held());
                heldAfter[i] = decision.held();
            }

            assertThat(heldAfter).containsExactly(false, false, true);
            assertThat(decision.crossing()).as("the 16 opt-ins recorded before must be held too").isTrue();
            assertThat(decision.reason()).isEqualTo(Reason.MASS_TRANSACTION);
        }

        @Test
        void onceHeldEveryLaterEventOfTheTransactionIsHeldWithoutCrossingAgain() {
            Decision decision = rule.decide(new Tally(30, true), 1, PERSON);

            assertThat(decision.held()).isTrue();
            assertThat(decision.crossing()).isFalse();
            assertThat(decision.reason()).as("held before; the reason stays the first one").isNull();
        }

        @Test
        void aBulkOriginLaterInATransactionHoldsWhatCameBefore() {
            Decision decision = rule.decide(new Tally(3, false), 1, "com/salesforce/api/bulkapi/64.0");

            assertThat(decision.held()).isTrue();
            assertThat(decision.crossing()).isTrue();
        }

        @Test
        void zeroHoldsEveryOptInAndANegativeLimitIsRefused() {
            assertThat(new DataLoadRule(0, List.of()).decide(Tally.NONE, 1, PERSON).held()).isTrue();
            assertThatThrownBy(() -> new DataLoadRule(-1, List.of())).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("max-opt-ins");
        }
    }
}
