package edu.cu.ecomm.optout.emulator.salesforce;

import java.util.concurrent.atomic.AtomicBoolean;

/** The faults a test has armed: one-shot failures of the next Subscribe, and whether the service is up at all. */
final class Faults {

    private final AtomicBoolean available = new AtomicBoolean(true);
    private final AtomicBoolean authErrorArmed = new AtomicBoolean();
    private final AtomicBoolean corruptedReplayIdArmed = new AtomicBoolean();

    boolean available() {
        return available.get();
    }

    void setAvailable(boolean up) {
        available.set(up);
    }

    void armAuthError() {
        authErrorArmed.set(true);
    }

    void armCorruptedReplayId() {
        corruptedReplayIdArmed.set(true);
    }

    /** True once per arming: the caller fails this Subscribe. */
    boolean takeAuthError() {
        return authErrorArmed.getAndSet(false);
    }

    /** True once per arming: the caller fails this Subscribe. */
    boolean takeCorruptedReplayId() {
        return corruptedReplayIdArmed.getAndSet(false);
    }
}
