package org.captioner.web;

import java.util.concurrent.Semaphore;

/**
 * A bounded queue in front of the model: at most {@code capacity} caption requests are admitted
 * (running or waiting their turn); the rest are refused at once so clients can retry later.
 */
final class AdmissionGate {

    private final Semaphore permits;
    private final int capacity;

    AdmissionGate(int capacity) {
        this.capacity = capacity;
        this.permits = new Semaphore(capacity);
    }

    boolean tryEnter() {
        return permits.tryAcquire();
    }

    void leave() {
        permits.release();
    }

    int inFlight() {
        return capacity - permits.availablePermits();
    }

    int capacity() {
        return capacity;
    }
}
