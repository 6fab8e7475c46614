package edu.cu.ecomm.optout.emulator.salesforce;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;

import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;

import edu.cu.ecomm.optout.support.MutableClock;

class EventLogTest {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-03-02T12:00:00Z"));
    private final EventLog log = new EventLog(clock, Duration.ofHours(72));

    @Test
    void replayIdsAreEightByteSequencesInPublishOrder() {
        EventLog.Event first = log.append(new byte[] {1});
        EventLog.Event second = log.append(new byte[] {2});

        assertThat(first.replayId().toByteArray()).containsExactly(0, 0, 0, 0, 0, 0, 0, 1);
        assertThat(second.sequence()).isEqualTo(2);
        assertThat(first.eventId()).isNotEqualTo(second.eventId());
        assertThat(log.latestSequence()).isEqualTo(2);
    }

    @Test
    void afterReturnsAtMostTheRequestedNumberStrictlyAfterTheSequence() {
        for (int i = 0; i < 5; i++) {
            log.append(new byte[] {(byte) i});
        }

        assertThat(log.after(1, 2)).extracting(EventLog.Event::sequence).containsExactly(2L, 3L);
        assertThat(log.after(4, 10)).extracting(EventLog.Event::sequence).containsExactly(5L);
        assertThat(log.after(5, 10)).isEmpty();
    }

    @Test
    void eventsOlderThanTheRetentionWindowAreDropped() {
        log.append(new byte[] {1});
        clock.advance(Duration.ofHours(48));
        log.append(new byte[] {2});
        clock.advance(Duration.ofHours(25));

        assertThat(log.after(0, 10)).extracting(EventLog.Event::sequence).containsExactly(2L);
        assertThat(log.earliestPosition()).isEqualTo(1);
        assertThat(log.latestSequence()).isEqualTo(2);
    }

    @Test
    void aRestoredLogResumesAfterTheReplayIdsItIssuedBeforeAndStillDropsExpiredEvents() {
        log.append(new byte[] {1});
        clock.advance(Duration.ofHours(48));
        log.append(new byte[] {2});
        EventLog restored = new EventLog(clock, Duration.ofHours(72));
        restored.restore(log.save());

        assertThat(restored.resumePosition(EventLog.replayId(1))).hasValue(1);
        assertThat(restored.after(1, 10)).extracting(EventLog.Event::sequence).containsExactly(2L);
        assertThat(restored.append(new byte[] {3}).sequence()).isEqualTo(3);
        clock.advance(Duration.ofHours(25));
        assertThat(restored.resumePosition(EventLog.replayId(1))).isEmpty();
        assertThat(restored.resumePosition(EventLog.replayId(2))).hasValue(2);
    }

    @Test
    void resumeNeedsAnIssuedAndStillRetainedReplayId() {
        log.append(new byte[] {1});
        log.append(new byte[] {2});

        assertThat(log.resumePosition(EventLog.replayId(0))).hasValue(0);
        assertThat(log.resumePosition(EventLog.replayId(1))).hasValue(1);
        assertThat(log.resumePosition(EventLog.replayId(3))).isEmpty();
        assertThat(log.resumePosition(EventLog.replayId(-1))).isEmpty();
        assertThat(log.resumePosition(ByteString.copyFromUtf8("garbage"))).isEmpty();

        clock.advance(Duration.ofHours(73));
        log.append(new byte[] {3});

        assertThat(log.resumePosition(EventLog.replayId(0))).isEmpty();
        assertThat(log.resumePosition(EventLog.replayId(2))).isEmpty();
        assertThat(log.resumePosition(EventLog.replayId(3))).hasValue(3);
    }

    @Test
    void listenersHearOfEachAppendOnceItIsReadable() {
        AtomicInteger readable = new AtomicInteger();
        log.addListener(() -> readable.set(log.after(0, 10).size()));

        log.append(new byte[] {1});

        assertThat(readable).hasValue(1);
    }
}
