package org.captioner.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Ctrl-C (or SIGTERM) as a request to stop, for commands that run models: the JVM's shutdown hook
 * sets the flag and then waits, with no time limit, until the command has finished its work in hand
 * and freed its models, because exiting under a running libtorch forward pass crashed it (SIGSEGV in
 * libtorch_cpu.so). Install it right before the block whose {@code finally} closes it: a hook that
 * waits on a latch nobody releases would hang the JVM at exit.
 */
final class StopSignal implements AutoCloseable {

    private final AtomicBoolean requested = new AtomicBoolean();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private StopSignal(String message) {
        hook = new Thread(() -> {
            requested.set(true);
            System.err.println("captioner: " + message);
            try {
                finished.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "captioner-stop");
    }

    /** Registers the hook; {@code message} is printed when a stop is asked for. */
    static StopSignal install(String message) {
        StopSignal s = new StopSignal(message);
        Runtime.getRuntime().addShutdownHook(s.hook);
        return s;
    }

    /** Whether a stop was asked for. */
    boolean requested() {
        return requested.get();
    }

    /** Lets a waiting hook (and so the JVM) go on, and removes the hook when no stop is under way. */
    @Override
    public void close() {
        finished.countDown();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // Already shutting down: the hook is running and has just been released.
        }
    }
}
