package io.privacysuite.local;

import io.privacysuite.local.emulators.EmbeddedEmulators;

/**
 * One set of emulators for the whole test JVM (start-up dominates these tests); stacks isolate themselves with their
 * own name prefix. The JVM's exit stops them (the SES child process through its shutdown hook).
 */
public final class TestEmulators {
    private static EmbeddedEmulators shared;

    private TestEmulators() {}

    public static synchronized EmbeddedEmulators shared() {
        if (shared == null) {
            shared = EmbeddedEmulators.start();
            System.err.println("emulator start-up times: " + shared.startupTimes());
        }
        return shared;
    }
}
