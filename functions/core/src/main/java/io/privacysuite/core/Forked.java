package io.privacysuite.core;

import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A task started at once on a thread of its own, for the thread that started it to do other work meanwhile and then
 * {@link #join} it: a secret read during a cold start, the next page of a query, a write beside reads. One behaviour
 * for every use:
 * <ul>
 *   <li>{@link #join} waits until the task has ended, however often the waiting thread is interrupted: a task never
 *       outlives the wait, so whatever it writes is settled (done or failed) when {@code join} returns or throws. An
 *       interrupt is kept, not swallowed: the flag is set again before {@code join} returns or throws, for the
 *       caller to act on (stop before its next step).</li>
 *   <li>It returns what the task returned, or throws what the task threw, the same object: a
 *       {@link RuntimeException} or an {@link Error} (an out-of-memory stays an {@code Error}, never a failure the
 *       caller mistakes for its own). A task is a {@link Supplier}, so no checked exception is declared; one thrown
 *       anyway comes wrapped in an {@link IllegalStateException}.</li>
 *   <li>{@link #cancel} interrupts the task and waits for its thread to end (same rule: nothing outlives it); a
 *       later {@code join} throws {@link CancellationException} unless the task had already ended.</li>
 * </ul>
 * {@code join} can be called any number of times, from any thread; each call answers the same.
 */
public final class Forked<T> {
    private final FutureTask<T> task;
    private final Thread thread;

    private Forked(Thread.Builder builder, Supplier<T> work) {
        this.task = new FutureTask<>(work::get);
        this.thread = builder.start(task);
    }

    /** Starts {@code work} now on a thread {@code thread} makes (virtual or platform, its name, daemon or not). */
    public static <T> Forked<T> start(Thread.Builder thread, Supplier<T> work) {
        return new Forked<>(thread, work);
    }

    /** Starts {@code work}, which returns nothing; {@link #join} then returns null. */
    public static Forked<Void> run(Thread.Builder thread, Runnable work) {
        return new Forked<>(thread, () -> {
            work.run();
            return null;
        });
    }

    /** Waits for the task to end and returns its result, or throws what it threw (see the class comment). */
    public T join() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return task.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the task goes on: wait for it, and set the flag again below
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException runtime) {
                        throw runtime;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Interrupts the task (if it has not ended) and waits for its thread to end; an interrupt meanwhile is kept. */
    public void cancel() {
        task.cancel(true);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
