package edu.cu.ecomm.optout.intake;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import edu.cu.ecomm.optout.ops.IntakeControl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * What intake does when an event can be neither recorded nor sent to the dead letters (the database refuses
 * both). camel-salesforce has handed the event over and will not send it again; if intake went on, the next
 * commit would move the checkpoint past it and it would be lost without a trace. So intake stops committing at
 * once ({@link #checkNotHalted}: every later record fails fast, nothing moves the checkpoint) and, after
 * {@code optout.intake.restart-delay}, restarts its subscription from the stored checkpoint, which still names
 * the event before the lost one (or, if none is stored yet, subscribes at LATEST with a catch-up from the first
 * start, {@link IntakeResume}); it keeps trying until the database takes the event or its dead letter. The
 * events after it arrive again and are recorded once (unique on event and contact).
 */
@Component("intakeRecovery")
public class IntakeRecovery implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(IntakeRecovery.class);

    private final IntakeControl intake;
    private final Duration delay;
    private final AtomicReference<String> halted = new AtomicReference<>();
    // Only the restart thread touches these: a restart whose start failed resumes where it stopped.
    private boolean stopped;
    private boolean wasRunning;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "intake-recovery");
        thread.setDaemon(true);
        return thread;
    });

    public IntakeRecovery(IntakeControl intake, @Value("${optout.intake.restart-delay:PT30S}") Duration delay) {
        this.intake = intake;
        this.delay = delay;
    }

    /** @throws IntakeHaltedException while intake waits to restart: nothing may be committed until then */
    void checkNotHalted() {
        String why = halted.get();
        if (why != null) {
            throw new IntakeHaltedException(why);
        }
    }

    /** An event is lost from the stream: stop committing now, restart from the checkpoint after the delay. */
    void halt(String eventId, RuntimeException cause) {
        haltBecause("event " + eventId + " could be neither recorded nor sent to the dead letters (" + cause.getMessage() + ")");
    }

    /**
     * The only trace of a loss in the stream (a rejected replay id, an event camel-salesforce skipped) could not be
     * stored: stop committing now, so the checkpoint stays before it, and restart from the checkpoint after the
     * delay, where Salesforce shows the loss again.
     */
    void haltBecause(String why) {
        if (halted.compareAndSet(null, why)) {
            LOG.error("Intake halted: {}. It restarts from the stored checkpoint in {}.", why, delay);
            restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    public boolean isHalted() {
        return halted.get() != null;
    }

    /** Why intake is halted, or empty when it is not. */
    public String haltedBecause() {
        String why = halted.get();
        return why == null ? "" : why;
    }

    private void restart() {
        String why = halted.get();
        try {
            // Stopped first, while still halted: a group still waiting fails instead of committing past the lost event.
            if (!stopped) {
                wasRunning = intake.stopForRestart();
                stopped = true;
            }
            halted.set(null);
            if (wasRunning) {
                intake.startAfterRestart();
            }
            stopped = false;
            LOG.warn("Intake restarted from the stored checkpoint after: {}", why);
        } catch (RuntimeException e) {
            halted.compareAndSet(null, why);
            LOG.warn("Intake could not restart yet ({}); trying again in {}", e.getMessage(), delay);
            restarts.schedule(this::restart, delay.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    @Override
    public void destroy() {
        restarts.shutdownNow();
    }
}
