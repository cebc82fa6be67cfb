package io.privacysuite.it;

import io.privacysuite.local.runtime.LocalLogging;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when anything logged while it ran carries personal data or a secret: the functions' log lines,
 * the local suite's and the emulators' (in-process ones through stdout/stderr, the SES and S3 emulators' child
 * processes through {@link LocalLogging#listenToEmulatorOutput}). Registered for every test class of this module by
 * JUnit's extension auto-detection (junit-platform.properties, META-INF/services), so each integration test is
 * covered without opting in.
 *
 * <p>What counts: email addresses, full IPv4 and IPv6 addresses (loopback and the anonymized forms the suite stores,
 * {@code x.y.z.0} and a /48 ending in {@code ::}, are not personal), the suite's tokens and consent keys, presigned S3
 * URLs, AWS credentials and the values of the stack's secrets.
 */
public final class LogHygiene implements BeforeAllCallback, AfterAllCallback {
    /** A rule a log line broke, named; the line is reported with the match masked. */
    record Rule(String name, Pattern pattern) {}

    static final List<Rule> RULES = List.of(
            // A local part is at most 64 long (RFC 5321): bounded, the scan of a long run of letters stays linear,
            // where "[...]+@" tries every start position to the end of the run (quadratic in the run's length).
            new Rule("email address", Pattern.compile("[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*\\.[A-Za-z]{2,}")),
            new Rule("IPv4 address", Pattern.compile("(?<![\\d.])(?!127\\.)(?!0\\.0\\.0\\.0)(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)"
                    + "(?:\\.(?:25[0-5]|2[0-4]\\d|1?\\d?\\d)){2}\\.(?:25[0-5]|2[0-4]\\d|[1-9]\\d?|1\\d\\d)(?![\\d.])")),
            new Rule("IPv6 address", Pattern.compile("(?i)(?<![0-9a-f:])(?:(?:[0-9a-f]{1,4}:){7}[0-9a-f]{1,4}"
                    + "|(?:[0-9a-f]{1,4}:){1,6}:(?:[0-9a-f]{1,4}:){0,5}[0-9a-f]{1,4})(?![0-9a-f:])")),
            new Rule("token in a URL", Pattern.compile("[?&](?:token|key|signature|sig)=[A-Za-z0-9_.%-]{12,}")),
            new Rule("consent key", Pattern.compile("(?<![A-Za-z0-9_-])[0-9a-f]{8}\\.[A-Za-z0-9_-]{43}(?![A-Za-z0-9_-])")),
            new Rule("presigned URL", Pattern.compile("(?i)X-Amz-(?:Signature|Credential|Security-Token)=")),
            new Rule("AWS secret", Pattern.compile("(?i)aws_?secret_?access_?key\\s*[=:]\\s*\\S{8,}|\\bAKIA[0-9A-Z]{16}\\b")));

    private static final Tap TAP = new Tap();
    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    @Override
    public void beforeAll(ExtensionContext context) {
        // Lines logged between two classes (pollers finishing earlier work) are counted for the next one.
        TAP.install();
        learnSecrets();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        learnSecrets();
        System.out.flush();
        System.err.flush();
        List<String> hits = TAP.finish();
        if (!hits.isEmpty()) {
            throw new AssertionError(hits.size() + " log line(s) captured while "
                    + context.getRequiredTestClass().getSimpleName() + " ran carry personal data or secrets "
                    + "(matches masked):\n  " + String.join("\n  ", hits.subList(0, Math.min(hits.size(), 25))));
        }
    }

    /** Starts reading stdout, stderr and the emulators' output (once per JVM). */
    static void install() {
        TAP.install();
    }

    /**
     * Hands every complete line of stdout and stderr to {@code listener} until the returned handle is closed: a test
     * can count what the functions logged (for example how often a delivery found a request busy).
     */
    static AutoCloseable listen(java.util.function.Consumer<String> listener) {
        TAP.install();
        TAP.listeners.add(listener);
        return () -> TAP.listeners.remove(listener);
    }

    /** The problems seen since the last call, forgotten. */
    static List<String> drain() {
        return TAP.finish();
    }

    /** The stack's secret values, once it runs: a line holding one of them is a leak whatever it looks like. */
    private static void learnSecrets() {
        if (IntegrationTest.stack == null || !SECRETS.isEmpty()) {
            return;
        }
        SECRETS.add(TestWebhook.SECRET);
        var secretsManager = IntegrationTest.stack.awsClients().secretsManager();
        if (secretsManager.isEmpty()) {
            return;
        }
        for (var secret : IntegrationTest.stack.template().resourcesOfType(
                io.privacysuite.local.template.LocalResources.SECRET)) {
            IntegrationTest.stack.resources().ref(secret.logicalId()).ifPresent(arn -> {
                try {
                    String value = secretsManager.get().getSecretValue(b -> b.secretId(arn)).secretString();
                    if (value != null && value.length() >= 8) {
                        SECRETS.add(value);
                    }
                } catch (RuntimeException notCreated) {
                    // a secret the local suite did not create has no value to leak
                }
            });
        }
    }

    /** The problems of one line, masked, or an empty list. */
    static List<String> problems(String line) {
        List<String> found = new ArrayList<>();
        String masked = line;
        for (Rule rule : RULES) {
            Matcher m = rule.pattern().matcher(masked);
            if (m.find()) {
                found.add(rule.name());
                masked = m.replaceAll(r -> "<" + rule.name() + ">");
            }
        }
        for (String secret : SECRETS) {
            if (masked.contains(secret)) {
                found.add("secret value");
                masked = masked.replace(secret, "<secret>");
            }
        }
        return found.isEmpty() ? List.of() : List.of(found + ": " + HostileInputs.abbreviate(masked));
    }

    /** Copies stdout and stderr to the console as before and reads every complete line. */
    private static final class Tap {
        private final Map<Thread, ByteArrayOutputStream> partial = new ConcurrentHashMap<>();
        private final List<String> hits = new ArrayList<>();
        private final List<java.util.function.Consumer<String>> listeners = new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean installed;

        synchronized void install() {
            if (installed) {
                return;
            }
            installed = true;
            System.setOut(tee(System.out));
            System.setErr(tee(System.err));
            LocalLogging.listenToEmulatorOutput(this::line);
        }


        synchronized List<String> finish() {
            List<String> found = List.copyOf(hits);
            hits.clear();
            return found;
        }

        void line(String line) {
            listeners.forEach(l -> l.accept(line));
            List<String> found = problems(line);
            if (!found.isEmpty()) {
                synchronized (this) {
                    if (hits.size() < 1000) {
                        hits.addAll(found);
                    }
                }
            }
        }

        private PrintStream tee(PrintStream console) {
            OutputStream reader = new OutputStream() {
                @Override
                public void write(int b) {
                    write(new byte[] {(byte) b}, 0, 1);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    console.write(b, off, len);
                    ByteArrayOutputStream buffer = partial.computeIfAbsent(Thread.currentThread(),
                            t -> new ByteArrayOutputStream());
                    for (int i = off; i < off + len; i++) {
                        if (b[i] == '\n') {
                            line(buffer.toString(StandardCharsets.UTF_8));
                            buffer.reset();
                        } else if (buffer.size() < 64 * 1024) {
                            buffer.write(b[i]);
                        }
                    }
                    if (buffer.size() == 0) {
                        partial.remove(Thread.currentThread());
                    }
                }

                @Override
                public void flush() {
                    console.flush();
                }
            };
            return new PrintStream(reader, true, StandardCharsets.UTF_8);
        }
    }
}
