package io.privacysuite.core.secrets;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Supplier;

/**
 * A secret whose first load runs on its own thread, started at once, so a cold start overlaps the Secrets Manager
 * client and its read with other init work. The first use waits for the load and fails as the load failed.
 */
final class BackgroundSecret implements Secret {
    private final FutureTask<Secret> load;

    BackgroundSecret(Supplier<Secret> loader) {
        this.load = new FutureTask<>(loader::get);
        Thread thread = new Thread(load, "secret-load");
        thread.setDaemon(true);
        thread.start();
    }

    private Secret loaded() {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return load.get();
                } catch (InterruptedException e) {
                    interrupted = true; // the load itself is not interruptible from here: wait it out
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public SecretVersions versions() {
        return loaded().versions();
    }

    @Override
    public void refreshSoon() {
        loaded().refreshSoon();
    }
}
