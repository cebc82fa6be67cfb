package io.privacysuite.local.events;

import io.privacysuite.local.runtime.LocalLog;

/** A daemon loop that stops promptly: {@link #stop()} flags it, {@link #awaitStop(long)} waits for the loop to end. */
abstract class PollerThread implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    PollerThread(String name) {
        this.thread = new Thread(this::loop, name);
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    boolean running() {
        return running;
    }

    void stop() {
        running = false;
        thread.interrupt();
    }

    void awaitStop(long millis) {
        try {
            thread.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
        awaitStop(2_000);
    }

    private void loop() {
        while (running) {
            try {
                if (!pollOnce()) {
                    pause(200);
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return; // emulators are going away; errors now are expected
                }
                LocalLog.get(getClass()).warn("%s: %s", thread.getName(), LocalLog.describe(e));
                pause(1_000);
            }
        }
    }

    /** One round of polling; false when there was nothing to do (the loop then pauses briefly). */
    abstract boolean pollOnce();

    void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            // only stop() interrupts, and it has already cleared the running flag
        }
    }
}
