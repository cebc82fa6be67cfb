package io.privacysuite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ForkedTest {
    @AfterEach
    void clearInterrupt() {
        Thread.interrupted(); // a failed assertion must not leave the flag to the next test
    }

    @Test
    void shouldRunTheTaskAtOnceOnTheThreadItWasGiven_andReturnItsResultToEveryJoin() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        AtomicReference<Thread> ran = new AtomicReference<>();
        Forked<String> task = Forked.start(Thread.ofPlatform().name("forked-test").daemon(true), () -> {
            ran.set(Thread.currentThread());
            started.countDown();
            return "done";
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).as("started before any join").isTrue();

        assertThat(task.join()).isEqualTo("done");
        assertThat(task.join()).isEqualTo("done");
        assertThat(ran.get()).isNotSameAs(Thread.currentThread());
        assertThat(ran.get().getName()).isEqualTo("forked-test");
        assertThat(ran.get().isDaemon()).isTrue();
        assertThat(Forked.run(Thread.ofVirtual(), () -> { }).join()).isNull();
    }

    @Test
    void shouldThrowTheTasksOwnRuntimeException_andItsOwnError_unwrapped() {
        IllegalArgumentException failure = new IllegalArgumentException("page 3 refused");
        Forked<Object> failed = Forked.start(Thread.ofVirtual(), () -> {
            throw failure;
        });
        assertThatThrownBy(failed::join).isSameAs(failure);
        assertThatThrownBy(failed::join).as("every join").isSameAs(failure);

        OutOfMemoryError error = new OutOfMemoryError("Java heap space (test)");
        Forked<Object> broken = Forked.start(Thread.ofVirtual(), () -> {
            throw error;
        });
        assertThatThrownBy(broken::join).as("an Error stays the Error").isSameAs(error);
    }

    @Test
    void shouldWrapACheckedExceptionThrownAnyway() {
        java.io.IOException checked = new java.io.IOException("disk");
        Forked<Object> sneaky = Forked.start(Thread.ofVirtual(), () -> ForkedTest.<RuntimeException>sneakyThrow(checked));
        assertThatThrownBy(sneaky::join).isInstanceOf(IllegalStateException.class).hasCause(checked);
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> Object sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    @Test
    void shouldWaitForTheTaskToEnd_whenTheWaitingThreadIsAlreadyInterrupted_andKeepTheInterrupt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        Forked<String> task = Forked.start(Thread.ofVirtual(), () -> {
            awaitUninterruptibly(release);
            ended.set(true);
            return "written";
        });
        Thread.ofVirtual().start(() -> {
            sleep(200);
            release.countDown();
        });
        Thread.currentThread().interrupt();

        String result = task.join();

        assertThat(result).isEqualTo("written");
        assertThat(ended).as("the task had ended when join returned").isTrue();
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    }

    @Test
    void shouldKeepWaiting_whenInterruptedDuringTheWait_andSetTheFlagAgain_evenWhenTheTaskFails() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicBoolean ended = new AtomicBoolean();
        IllegalStateException failure = new IllegalStateException("write refused");
        Forked<String> task = Forked.start(Thread.ofVirtual(), () -> {
            awaitUninterruptibly(release);
            ended.set(true);
            throw failure;
        });
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        AtomicBoolean flagAfter = new AtomicBoolean();
        AtomicBoolean endedAtThrow = new AtomicBoolean();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                task.join();
            } catch (Throwable t) {
                endedAtThrow.set(ended.get());
                thrown.set(t);
            }
            flagAfter.set(Thread.currentThread().isInterrupted());
        });
        awaitWaiting(waiter);
        waiter.interrupt();
        waiter.interrupt();
        sleep(100);
        assertThat(waiter.isAlive()).as("still waiting for the task after two interrupts").isTrue();
        release.countDown();
        waiter.join(10_000);

        assertThat(thrown.get()).isSameAs(failure);
        assertThat(endedAtThrow).as("the task had ended when join threw").isTrue();
        assertThat(flagAfter).as("the interrupt is kept").isTrue();
    }

    @Test
    void shouldInterruptTheTaskOnCancel_andReturnOnlyOnceItsThreadEnded() {
        CountDownLatch running = new CountDownLatch(1);
        AtomicBoolean sawInterrupt = new AtomicBoolean();
        AtomicBoolean ended = new AtomicBoolean();
        Forked<String> task = Forked.start(Thread.ofVirtual(), () -> {
            running.countDown();
            try {
                Thread.sleep(60_000);
            } catch (InterruptedException e) {
                sawInterrupt.set(true);
                sleep(100); // winding down (closing a connection) takes a moment: cancel waits for it
            }
            ended.set(true);
            return "late";
        });
        awaitUninterruptibly(running);

        task.cancel();

        assertThat(sawInterrupt).isTrue();
        assertThat(ended).as("the task had ended when cancel returned").isTrue();
        assertThatThrownBy(task::join).isInstanceOf(CancellationException.class);
        assertThat(Thread.currentThread().isInterrupted()).isFalse();
    }

    @Test
    void shouldLeaveAnEndedTaskAlone_onCancel() {
        Forked<String> task = Forked.start(Thread.ofVirtual(), () -> "read");
        assertThat(task.join()).isEqualTo("read");
        task.cancel();
        assertThat(task.join()).isEqualTo("read");
    }

    private static void awaitWaiting(Thread thread) {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread.getState() != Thread.State.WAITING && System.nanoTime() < until) {
            Thread.onSpinWait();
        }
        assertThat(thread.getState()).isEqualTo(Thread.State.WAITING);
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
