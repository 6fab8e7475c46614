package edu.cu.ecomm.optout.ledger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import edu.cu.ecomm.optout.ledger.DeadLetters.DeadLetter;
import edu.cu.ecomm.optout.support.MigratedDatabase;
import edu.cu.ecomm.optout.support.MutableClock;
import edu.cu.ecomm.optout.support.TestDatabases;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;

/** Replaying a dead letter: one replay at a time, whoever asks and however often. */
class DeadLetterServiceTest {

    @AutoClose
    private final MigratedDatabase database = TestDatabases.migrated();
    private final JdbcTemplate jdbc = new JdbcTemplate(database);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-29T10:00:00Z"));
    private final DeadLetters letters = new DeadLetters(jdbc, clock);

    @Test
    void twoConcurrentReplaysOfOneLetterRunItsReplayerOnce() throws Exception {
        long id = openLetter();
        CountDownLatch replaying = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        DeadLetterService service = new DeadLetterService(letters, List.of(replayer(letter -> {
            runs.incrementAndGet();
            replaying.countDown();
            await(finish);
            return "sheet sent";
        })));

        CompletableFuture<DeadLetterService.Outcome> first = CompletableFuture.supplyAsync(() -> service.replay(id));
        assertThat(replaying.await(30, TimeUnit.SECONDS)).as("the first replay runs").isTrue();
        DeadLetterService.Outcome second = service.replay(id);
        finish.countDown();

        assertThat(second.resolved()).isFalse();
        assertThat(second.message()).isEqualTo("dead letter " + id + " is being replayed (since "
                + clock.instant() + "); try again once that replay has finished");
        assertThat(first.get(30, TimeUnit.SECONDS).resolved()).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(letters.find(id)).hasValueSatisfying(letter -> {
            assertThat(letter.state()).isEqualTo("REPLAYED");
            assertThat(letter.resolution()).isEqualTo("sheet sent");
        });
    }

    @Test
    void aReplayThatFailsLeavesTheLetterOpenForTheNextReplay() {
        long id = openLetter();
        AtomicInteger runs = new AtomicInteger();
        DeadLetterService service = new DeadLetterService(letters, List.of(replayer(letter -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("endpoint away");
            }
            return "sheet sent";
        })));

        DeadLetterService.Outcome failed = service.replay(id);
        assertThat(failed.resolved()).isFalse();
        assertThat(failed.message()).isEqualTo("replay failed, letter stays open: endpoint away");
        assertThat(letters.find(id)).hasValueSatisfying(letter -> assertThat(letter.state()).isEqualTo("OPEN"));

        assertThat(service.replay(id).resolved()).isTrue();
        assertThat(runs).hasValue(2);
    }

    @Test
    void aLetterLeftReplayingByACrashIsListedOpenAndCanBeReplayedOnceTheClaimIsStale() {
        long id = openLetter();
        // The instance that claimed it died in the middle of the replay: nothing set it back to OPEN.
        DeadLetterService crashed = new DeadLetterService(letters, List.of(replayer(letter -> {
            throw new ProcessDeath();
        })));
        try {
            crashed.replay(id);
        } catch (ProcessDeath expected) {
            // as a crash would
        }
        assertThat(letters.find(id)).hasValueSatisfying(letter -> assertThat(letter.state()).isEqualTo("REPLAYING"));
        assertThat(letters.open()).extracting(DeadLetter::id).as("still waiting for an operator").containsExactly(id);
        assertThat(letters.countOpen()).isEqualTo(1);
        AtomicInteger runs = new AtomicInteger();
        DeadLetterService service = new DeadLetterService(letters, List.of(replayer(letter -> {
            runs.incrementAndGet();
            return "sheet sent";
        })));

        clock.advance(DeadLetterService.STALE_REPLAY_AFTER.minusSeconds(1));
        assertThat(service.replay(id).message()).as("a replay may still be running").contains("is being replayed");
        clock.advance(Duration.ofSeconds(2));
        DeadLetterService.Outcome replayed = service.replay(id);

        assertThat(replayed.resolved()).as(replayed.message()).isTrue();
        assertThat(runs).hasValue(1);
        assertThat(letters.find(id)).hasValueSatisfying(letter -> assertThat(letter.state()).isEqualTo("REPLAYED"));
    }

    @Test
    void aLetterLeftReplayingByACrashCanBeDiscardedOnceTheClaimIsStale() {
        long id = openLetter();
        assertThat(letters.claimForReplay(id, DeadLetterService.STALE_REPLAY_AFTER)).isPresent(); // then the crash
        DeadLetterService service = new DeadLetterService(letters, List.of());

        clock.advance(DeadLetterService.STALE_REPLAY_AFTER.minusSeconds(1));
        assertThat(service.discard(id, "raised by hand").resolved()).as("a replay may still be running").isFalse();
        clock.advance(Duration.ofSeconds(2));
        DeadLetterService.Outcome discarded = service.discard(id, "raised by hand");

        assertThat(discarded.resolved()).as(discarded.message()).isTrue();
        assertThat(letters.find(id)).hasValueSatisfying(letter -> {
            assertThat(letter.state()).isEqualTo("DISCARDED");
            assertThat(letter.resolution()).isEqualTo("discarded: raised by hand");
        });
    }

    @Test
    void aLetterBeingReplayedCannotBeDiscarded() throws Exception {
        long id = openLetter();
        CountDownLatch replaying = new CountDownLatch(1);
        CountDownLatch finish = new CountDownLatch(1);
        DeadLetterService service = new DeadLetterService(letters, List.of(replayer(letter -> {
            replaying.countDown();
            await(finish);
            return "sheet sent";
        })));

        CompletableFuture<DeadLetterService.Outcome> replay = CompletableFuture.supplyAsync(() -> service.replay(id));
        assertThat(replaying.await(30, TimeUnit.SECONDS)).isTrue();
        DeadLetterService.Outcome discarded = service.discard(id, "seen");
        finish.countDown();

        assertThat(discarded.resolved()).isFalse();
        assertThat(replay.get(30, TimeUnit.SECONDS).resolved()).isTrue();
        assertThat(letters.find(id)).hasValueSatisfying(letter -> assertThat(letter.state()).isEqualTo("REPLAYED"));
    }

    private long openLetter() {
        letters.record("resubscribe-export", "sheet not sent", null, null, null, null);
        return letters.open().get(0).id();
    }

    private static DeadLetterReplayer replayer(java.util.function.Function<DeadLetter, String> work) {
        return new DeadLetterReplayer() {
            @Override
            public boolean handles(DeadLetter letter) {
                return true;
            }

            @Override
            public String replay(DeadLetter letter) {
                return work.apply(letter);
            }
        };
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test never let the replay finish");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Stands for the JVM dying mid-replay: an Error, which the service does not catch. */
    private static final class ProcessDeath extends Error {
    }
}
