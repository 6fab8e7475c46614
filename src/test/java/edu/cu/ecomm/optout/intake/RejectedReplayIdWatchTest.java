package edu.cu.ecomm.optout.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.mock;
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
import edu.cu.ecomm.optout.ledger.ReplayCheckpoints;
import edu.cu.ecomm.optout.ops.IntakeControl;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;

/** What the watch does with camel-salesforce's line saying it fell back to LATEST. */
class RejectedReplayIdWatchTest {

    private static final String TOPIC = "/data/ContactChangeEvent";

    private final ReplayCheckpoints checkpoints = mock(ReplayCheckpoints.class);
    private final CatchUps catchUps = mock(CatchUps.class);
    private final IntakeRecovery recovery = new IntakeRecovery(mock(IntakeControl.class), Duration.ofHours(1));
    private final RejectedReplayIdWatch watch = new RejectedReplayIdWatch(checkpoints, catchUps,
            new SimpleMeterRegistry(), recovery, TOPIC);
    private final Logger serviceLog = (Logger) LoggerFactory.getLogger(RejectedReplayIdWatch.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();

    @AfterEach
    void stop() {
        serviceLog.detachAppender(logged);
        recovery.destroy();
    }

    @Test
    void aCatchUpTheDatabaseRefusesAfterARejectedReplayIdHaltsIntakeWithAnError() {
        when(checkpoints.find(TOPIC)).thenReturn(Optional.of(new ReplayCheckpoints.Checkpoint(TOPIC, "AAAA",
                Instant.parse("2026-11-27T10:00:00Z"), Instant.parse("2026-11-27T10:00:01Z"))));
        doThrow(new DataAccessResourceFailureException("database refuses writes"))
                .when(catchUps).requestAfterResubscribe(any(), anyString());
        logged.start();
        serviceLog.addAppender(logged);

        watch.append(clientLine(Level.WARN, "replay id: AAAA " + RejectedReplayIdWatch.FALLBACK_MESSAGE
                + " replay preset"));

        assertThat(recovery.isHalted()).as("the checkpoint must not move past the hole").isTrue();
        assertThat(recovery.haltedBecause()).contains("rejected replay id");
        assertThat(logged.list).anySatisfy(line -> {
            assertThat(line.getLevel()).isEqualTo(Level.ERROR);
            assertThat(line.getFormattedMessage()).contains("rejected the replay id");
        });
    }

    private static ILoggingEvent clientLine(Level level, String message) {
        Logger client = new LoggerContext().getLogger(RejectedReplayIdWatch.CLIENT_LOGGER);
        return new LoggingEvent(Logger.class.getName(), client, level, message, null, null);
    }
}
