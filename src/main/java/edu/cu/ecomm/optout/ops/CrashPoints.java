package edu.cu.ecomm.optout.ops;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test seam for the process-level crash test, and nothing else: with the system property
 * {@code optout.test.crash-at=<point>} (and optionally {@code optout.test.crash-after=<n>}, default 1), the
 * n-th time the service reaches that point it prints {@code CRASH-POINT <point> reached} to standard output and
 * stops there for good, so the test can kill the process (SIGKILL) at exactly that moment. Without the
 * property (always, in production) {@link #reach} does nothing.
 *
 * <p>Points: {@code intake} (an event's rows written, its transaction not yet committed), {@code batch-building}
 * (a batch claimed, its file half built), {@code before-marking} (batch uploaded, not yet marked delivered).
 */
public final class CrashPoints {

    public static final String PROPERTY = "optout.test.crash-at";
    public static final String AFTER_PROPERTY = "optout.test.crash-after";

    private static final ConcurrentHashMap<String, AtomicInteger> REACHED = new ConcurrentHashMap<>();

    private CrashPoints() {
    }

    public static void reach(String point) {
        String armed = System.getProperty(PROPERTY);
        if (armed == null || !armed.equals(point)) {
            return;
        }
        int times = REACHED.computeIfAbsent(point, p -> new AtomicInteger()).incrementAndGet();
        if (times != Integer.getInteger(AFTER_PROPERTY, 1)) {
            return;
        }
        System.out.println("CRASH-POINT " + point + " reached");
        System.out.flush();
        while (true) {
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                // Keep holding: only the kill ends this.
            }
        }
    }
}
