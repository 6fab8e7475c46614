package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyCollection;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import edu.cu.ecomm.optout.intake.ContactReconciler.Result;
import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

/** Under what the data-load guard counts the opt-ins a replayed intake dead letter re-reads. */
class IntakeDeadLetterReplayerTest {

    private static final Instant CATCH_UP_FROM = Instant.parse("2026-11-27T06:00:00Z");
    private static final String CONTACT = "003A0000006Vm9rIAC";

    private final GapRequeries gapRequeries = mock(GapRequeries.class);
    private final IntakeDeadLetterReplayer replayer = new IntakeDeadLetterReplayer(gapRequeries, mock(CatchUps.class),
            Duration.ofHours(2));

    @Test
    void aLetterKeepingItsEventsHeaderIsCountedWithThatTransaction() {
        String origin = "com/salesforce/api/soap/64.0;client=DataLoaderBulkUI/";

        GuardedTransaction counted = replay(event("0001a2b3-c4d5", origin).toString());

        assertThat(counted.key()).isEqualTo("0001a2b3-c4d5");
        assertThat(counted.changeOrigin()).isEqualTo(origin);
        assertThat(counted.catchUp()).isFalse();
    }

    @Test
    void aLetterWithoutItsTransactionIsCountedAsTheCatchUpFromItsTimeWould() {
        GuardedTransaction counted = replay(event(null, null).toString());

        assertThat(counted).isEqualTo(GuardedTransaction.catchUp(CATCH_UP_FROM));
    }

    private GuardedTransaction replay(String payload) {
        when(gapRequeries.requeryNow(anyCollection(), anyString(), anyString(), any())).thenReturn(Result.none());
        replayer.replay(new DeadLetter(7, CATCH_UP_FROM.plusSeconds(60), ContactChangeRecorder.ROUTE_ID,
                "could not record event: refused", payload, "e1", "r1", null, "OPEN", CATCH_UP_FROM, null, null,
                null));
        ArgumentCaptor<GuardedTransaction> counted = ArgumentCaptor.forClass(GuardedTransaction.class);
        verify(gapRequeries).requeryNow(anyCollection(), anyString(), anyString(), counted.capture());
        return counted.getValue();
    }

    private static ContactChangeEvent event(String transactionKey, String origin) {
        return new ContactChangeEvent("e1", "r1", "UPDATE", List.of(CONTACT), Set.of(ContactChangeEvent.OPT_OUT_FIELD),
                false, origin, transactionKey, 1, CATCH_UP_FROM.plusSeconds(1), 42L, "005A0000001abcdEAA");
    }
}
