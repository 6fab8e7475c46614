package edu.cu.ecomm.optout.emulator.salesforce;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.protobuf.ByteString;

/**
 * The event bus of one topic: every published event with its replay id, kept for the retention window and
 * then dropped, the way Salesforce drops events after 72 hours. Replay ids are the 8-byte big-endian sequence
 * number of the event, opaque to subscribers; sequence 0 stands for "before the first event".
 *
 * <p>Thread-safe. Listeners hear of each append after the event is readable, outside the log's lock, so a
 * listener may read the log.
 */
final class EventLog {

    private static final int REPLAY_ID_BYTES = Long.BYTES;

    /** One retained event. */
    record Event(long sequence, String eventId, Instant publishedAt, byte[] payload) implements Serializable {
        ByteString replayId() {
            return EventLog.replayId(sequence);
        }
    }

    private final Clock clock;
    private final Duration retention;
    private final NavigableMap<Long, Event> retained = new TreeMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long latestSequence;
    private long prunedThrough;

    EventLog(Clock clock, Duration retention) {
        this.clock = clock;
        this.retention = retention;
    }

    static ByteString replayId(long sequence) {
        return ByteString.copyFrom(ByteBuffer.allocate(REPLAY_ID_BYTES).putLong(sequence).array());
    }

    Event append(byte[] payload) {
        Event event;
        synchronized (this) {
            prune();
            latestSequence++;
            event = new Event(latestSequence, UUID.randomUUID().toString(), clock.instant(), payload);
            retained.put(event.sequence(), event);
        }
        listeners.forEach(Runnable::run);
        return event;
    }

    void addListener(Runnable listener) {
        listeners.add(listener);
    }

    void removeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Up to {@code max} retained events after {@code sequence}, oldest first. */
    synchronized List<Event> after(long sequence, int max) {
        prune();
        List<Event> events = new ArrayList<>(Math.min(max, retained.size()));
        for (Event event : retained.tailMap(sequence, false).values()) {
            if (events.size() == max) {
                break;
            }
            events.add(event);
        }
        return events;
    }

    /** How many events are still retained (replayable). */
    synchronized int retainedCount() {
        prune();
        return retained.size();
    }

    /** The sequence of the newest event, which is also how many were ever published (sequences start at 1). */
    synchronized long latestSequence() {
        return latestSequence;
    }

    /** The position before the oldest retained event: where an EARLIEST subscription starts. */
    synchronized long earliestPosition() {
        prune();
        return prunedThrough;
    }

    /**
     * Where a CUSTOM subscription starting after {@code replayId} resumes, or empty when the id is not one this
     * log issued (wrong length, not yet issued) or names an event that has left the retention window.
     */
    synchronized OptionalLong resumePosition(ByteString replayId) {
        prune();
        if (replayId.size() != REPLAY_ID_BYTES) {
            return OptionalLong.empty();
        }
        long sequence = replayId.asReadOnlyByteBuffer().getLong();
        boolean issued = sequence >= 0 && sequence <= latestSequence;
        // Sequence 0 is before everything, so it stays valid until the first event is dropped.
        boolean retainedOrOrigin = sequence > prunedThrough || prunedThrough == 0;
        return issued && retainedOrOrigin ? OptionalLong.of(sequence) : OptionalLong.empty();
    }

    /**
     * The log as a restarted emulator takes it back ({@link #restore}): Salesforce keeps its events for the
     * retention window whatever happens to a subscriber, so the same events must come back under the same replay ids.
     */
    record Saved(long latestSequence, long prunedThrough, List<Event> retained) implements Serializable {
    }

    synchronized Saved save() {
        prune();
        return new Saved(latestSequence, prunedThrough, List.copyOf(retained.values()));
    }

    /** Takes back a saved log; events that have left the retention window since are dropped on the next read. */
    synchronized void restore(Saved saved) {
        retained.clear();
        saved.retained().forEach(event -> retained.put(event.sequence(), event));
        latestSequence = saved.latestSequence();
        prunedThrough = saved.prunedThrough();
    }

    private void prune() {
        Instant cutoff = clock.instant().minus(retention);
        while (!retained.isEmpty() && retained.firstEntry().getValue().publishedAt().isBefore(cutoff)) {
            prunedThrough = retained.pollFirstEntry().getKey();
        }
    }
}
