package edu.cu.ecomm.optout.intake;

import java.time.Duration;

/**
 * How long a catch-up, snapshot or gap re-read that failed waits before its next try: 5 seconds (the routes' poll)
 * after the first failure, doubling per failure, at most 5 minutes. A Salesforce that keeps refusing (daily API
 * limit spent, Bulk API permission missing) is then asked about a dozen times an hour per queue instead of every
 * poll, which would spend the limit the rest of the service needs, while one that answers again is used within
 * minutes.
 */
final class ReReadBackOff {

    static final Duration FIRST = Duration.ofSeconds(5);
    static final Duration MAX = Duration.ofMinutes(5);

    private ReReadBackOff() {
    }

    /** The wait after the {@code failures}-th failure in a row (1 for the first). */
    static Duration after(int failures) {
        Duration wait = FIRST;
        for (int i = 1; i < failures && wait.compareTo(MAX) < 0; i++) {
            wait = wait.multipliedBy(2);
        }
        return wait.compareTo(MAX) > 0 ? MAX : wait;
    }
}
