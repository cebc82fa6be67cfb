package io.privacysuite.core.secrets;

import io.privacysuite.core.Forked;
import java.util.function.Supplier;

/**
 * A secret whose first load runs on its own thread, started at once, so a cold start overlaps the Secrets Manager
 * client and its read with other init work. The first use waits for the load (an interrupt does not cut the wait
 * short: {@link Forked#join}) and fails as the load failed.
 */
final class BackgroundSecret implements Secret {
    private final Forked<Secret> load;

    BackgroundSecret(Supplier<Secret> loader) {
        // A daemon: a load that hangs never keeps a JVM alive.
        this.load = Forked.start(Thread.ofPlatform().name("secret-load").daemon(true), loader);
    }

    @Override
    public SecretVersions versions() {
        return load.join().versions();
    }

    @Override
    public void refreshSoon() {
        load.join().refreshSoon();
    }
}
