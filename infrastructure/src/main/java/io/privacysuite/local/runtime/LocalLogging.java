package io.privacysuite.local.runtime;

import java.io.OutputStream;
import java.io.PrintStream;
import java.util.concurrent.Callable;

/** Keeps the emulators' console output down to warnings. */
public final class LocalLogging {
    static final String LOG4J_CONFIG = "privacysuite-local-log4j2.xml";

    /** JUL holds loggers weakly; this keeps the level setting alive. */
    private static final java.util.logging.Logger AWS_SDK_V1 = java.util.logging.Logger.getLogger("com.amazonaws");

    /** Who else reads the emulators' console output (tests scanning every log line). */
    private static final java.util.List<java.util.function.Consumer<String>> OUTPUT_LISTENERS =
            new java.util.concurrent.CopyOnWriteArrayList<>();

    private LocalLogging() {}

    /** Also hands {@code listener} every line the emulators run as child processes print (SES, S3Mock). */
    public static void listenToEmulatorOutput(java.util.function.Consumer<String> listener) {
        OUTPUT_LISTENERS.add(listener);
    }

    /** A line an emulator child process printed; kept off the console, passed to the listeners. */
    public static void emulatorOutput(String emulator, String line) {
        for (java.util.function.Consumer<String> listener : OUTPUT_LISTENERS) {
            listener.accept(emulator + ": " + line);
        }
    }

    /**
     * Points Log4j2 at the local configuration before anything initialises it: DynamoDB Local logs through Log4j2, and
     * the functions' config on the classpath is meant for CloudWatch. An explicit -Dlog4j2.configurationFile wins.
     */
    public static void configure() {
        if (System.getProperty("log4j2.configurationFile") == null && System.getProperty("log4j.configurationFile") == null
                && LocalLogging.class.getResource("/" + LOG4J_CONFIG) != null) {
            System.setProperty("log4j2.configurationFile", "classpath:" + LOG4J_CONFIG);
        }
        // DynamoDB Local's embedded SDK v1 warns through java.util.logging that JAXB is missing (harmless).
        AWS_SDK_V1.setLevel(java.util.logging.Level.SEVERE);
    }

    /**
     * Runs {@code action} with System.out muted for the calling thread only (DynamoDB Local prints its configuration
     * banner with System.out.println); other threads keep printing.
     */
    public static <T> T withStdoutMuted(Callable<T> action) throws Exception {
        PrintStream original = System.out;
        Thread muted = Thread.currentThread();
        PrintStream filter = new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                if (Thread.currentThread() != muted) {
                    original.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                if (Thread.currentThread() != muted) {
                    original.write(b, off, len);
                }
            }

            @Override
            public void flush() {
                original.flush();
            }
        }, true);
        System.setOut(filter);
        try {
            return action.call();
        } finally {
            synchronized (System.class) {
                if (System.out == filter) {
                    System.setOut(original);
                }
            }
        }
    }
}
