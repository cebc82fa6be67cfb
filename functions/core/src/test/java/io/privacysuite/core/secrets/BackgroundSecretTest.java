package io.privacysuite.core.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class BackgroundSecretTest {
    private static final byte[] VALUE = "background-secret-0123456789".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldStartLoadingAtOnceOnAnotherThread_andHandTheLoadedSecretToEveryUse() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Thread> loader = new AtomicReference<>();
        AtomicInteger loads = new AtomicInteger();
        AtomicInteger refreshes = new AtomicInteger();
        SecretVersions versions = SecretVersions.of(List.of(VALUE));
        Secret secret = Secret.loadingInBackground(() -> {
            loader.set(Thread.currentThread());
            loads.incrementAndGet();
            started.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return new Secret() {
                public SecretVersions versions() {
                    return versions;
                }

                public void refreshSoon() {
                    refreshes.incrementAndGet();
                }
            };
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).as("the load started before any use").isTrue();
        assertThat(loader.get()).isNotSameAs(Thread.currentThread());
        assertThat(loader.get().isDaemon()).as("never keeps a JVM alive").isTrue();

        release.countDown();
        assertThat(secret.versions()).isSameAs(versions);
        assertThat(secret.versions().current()).isEqualTo(VALUE);
        secret.refreshSoon();
        assertThat(refreshes).hasValue(1);
        assertThat(loads).as("loaded once").hasValue(1);
    }

    @Test
    void shouldWaitOutAnInterrupt_andFailWithTheLoadsOwnError() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        SecretVersions versions = SecretVersions.of(List.of(VALUE));
        Secret secret = Secret.loadingInBackground(() -> {
            while (true) {
                try {
                    release.await();
                    return () -> versions;
                } catch (InterruptedException e) {
                    // not this thread's interrupt: keep loading
                }
            }
        });
        Thread.currentThread().interrupt();
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException ignored) {
                // released at once then
            }
            release.countDown();
        });
        try {
            assertThat(secret.versions()).as("an interrupted init still gets the secret").isSameAs(versions);
        } finally {
            assertThat(Thread.interrupted()).as("and keeps its interrupt").isTrue();
        }

        ExceptionInInitializerError error = new ExceptionInInitializerError("static init failed (test)");
        Secret broken = Secret.loadingInBackground(() -> {
            throw error;
        });
        assertThatThrownBy(broken::versions).as("an Error is not turned into something else").isSameAs(error);
    }

    @Test
    void shouldFailEveryUseAsTheLoadFailed() {
        Secret secret = Secret.loadingInBackground(() -> {
            throw new IllegalStateException("cannot read secret CONSENT_SIGNING (SdkClientException)");
        });
        assertThatThrownBy(secret::versions).isInstanceOf(IllegalStateException.class)
                .hasMessage("cannot read secret CONSENT_SIGNING (SdkClientException)");
        assertThatThrownBy(secret::refreshSoon).isInstanceOf(IllegalStateException.class);
    }
}
