package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.contains;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import edu.cu.ecomm.optout.ledger.DeadLetters;
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ops.IntakeControl;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/** What the watch does with camel-salesforce's error for an event it could not decode and skipped. */
class SkippedEventWatchTest {

    private static final String TOPIC = "/data/ContactChangeEvent";

    private final DeadLetters deadLetters = mock(DeadLetters.class);
    private final ReplayCheckpoints checkpoints = mock(ReplayCheckpoints.class);
    private final MeterRegistry meters = new SimpleMeterRegistry();
    private final IntakeRecovery recovery = new IntakeRecovery(mock(IntakeControl.class), Duration.ofHours(1));
    private final SkippedEventWatch watch = new SkippedEventWatch(deadLetters, checkpoints, meters, recovery, TOPIC);
    private final Logger serviceLog = (Logger) LoggerFactory.getLogger(SkippedEventWatch.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void stop() {
        serviceLog.detachAppender(logged);
        recovery.destroy();
    }

    @Test
    void aSkippedEventWhoseDeadLetterTheDatabaseRefusesHaltsIntakeAndIsCountedOnlyOnceItIsKept() {
        when(checkpoints.find(TOPIC)).thenReturn(Optional.of(new ReplayCheckpoints.Checkpoint(TOPIC, "AAAA",
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:00:01Z"))));
        doThrow(new DataAccessResourceFailureException("database refuses writes")).when(deadLetters)
                .record(anyString(), anyString(), any(), any(), any(), any(), eq(Instant.parse("2026-11-27T10:00:00Z")));
        logged.start();
        serviceLog.addAppender(logged);

        watch.append(skippedEventLine());

        assertThat(recovery.isHalted()).as("the checkpoint must not move past the skipped event").isTrue();
        assertThat(recovery.haltedBecause()).contains("skipped");
        assertThat(meters.counter("optout.intake.events", "outcome", "skipped").count())
                .as("counted when, after the restart, its dead letter is kept").isZero();
        assertThat(logged.list).anySatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.ERROR);
            assertThat(line.getFormattedMessage()).contains("cannot decode the Avro payload");
        });
    }

    @Test
    void aSkippedEventIsADeadLetterFromTheCheckpointsCommitTimeAndCountedOnce() {
        when(checkpoints.find(TOPIC)).thenReturn(Optional.of(new ReplayCheckpoints.Checkpoint(TOPIC, "AAAA",
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:00:01Z"))));

        watch.append(skippedEventLine());

        verify(deadLetters).record(anyString(), contains("cannot decode the Avro payload"), any(), any(), any(), any(),
                eq(Instant.parse("2026-11-27T10:00:00Z")));
        assertThat(meters.counter("optout.intake.events", "outcome", "skipped").count()).isEqualTo(1);
        assertThat(recovery.isHalted()).isFalse();
    }

    /** camel-salesforce's error line for an event it could not decode and skipped. */
    private static ILoggingEvent skippedEventLine() {
        IllegalStateException undecodable = new IllegalStateException("cannot decode the Avro payload");
        return new LoggingEvent(Logger.class.getName(), new LoggerContext().getLogger(SkippedEventWatch.CLIENT_LOGGER),
                Level.ERROR, undecodable.toString(), undecodable, null);
    }
}
