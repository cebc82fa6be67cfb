package io.privacysuite.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.notify.EmailAddresses;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Property: every address intake accepts ({@link EmailAddresses#canonical}) builds a valid MIME message with
 * angus-mail whose one To header, read back strictly, is exactly that address - no header injection, no encoded word,
 * no non-ASCII left for SMTP. Cases come from a fixed seed (replay with -Daddress.seed=N), biased towards the
 * characters that break mail: controls, CR/LF, quotes, brackets, "=?", dots, Unicode letters, IDN domains.
 */
class SendableAddressPropertiesTest {
    private static final long SEED = Long.getLong("address.seed", 20261129L);
    private static final int CASES = 20_000;
    private static final String[] PIECES = {"a", "b", "Z", "0", "9", ".", "..", "-", "_", "+", "+tag", "=", "?", "=?",
            "?=", "'", "\"", "\\", " ", "\t", "\r", "\n", "\r\nBcc: x@evil.example", "\u0000", "\u0007", "\u007f",
            "\u200b", "<", ">", "(", ")", ",", ";", ":", "[", "]", "@", "é", "ü", "ß", "中", "Ω", "!", "#", "$", "%",
            "&", "*", "/", "^", "`", "{", "|", "}", "~"};
    private static final String[] DOMAINS = {"example.org", "EXAMPLE.org", "bücher.example", "xn--bcher-kva.example",
            "例え.jp", "sub.example.co.uk", "-bad.example", "bad-.example", "exa_mple.org", "example", "example.123",
            "127.0.0.1", "[127.0.0.1]", "a.b", "ex ample.org", "example.org.", ".example.org", "x".repeat(64) + ".org",
            "münchen.de", "example.org\r\n", "=?utf-8?q?x?=.org"};

    private final MimeMessages mime = new MimeMessages("privacy@privacysuite.example");
    private final Session session = Session.getInstance(new Properties());

    static String randomAddress(Random random) {
        StringBuilder local = new StringBuilder();
        int pieces = 1 + random.nextInt(6);
        for (int i = 0; i < pieces; i++) {
            // Mostly plain characters, so that enough cases are valid to mean something.
            local.append(random.nextInt(3) > 0 ? PIECES[random.nextInt(5)] : PIECES[random.nextInt(PIECES.length)]);
        }
        String domain = DOMAINS[random.nextInt(DOMAINS.length)];
        return switch (random.nextInt(10)) {
            case 0 -> " " + local + "@" + domain + " ";
            case 1 -> local + "@" + local + "@" + domain;
            case 2 -> local.toString();
            default -> local + "@" + domain;
        };
    }

    @Test
    void everyAddressIntakeAcceptsShouldBuildAValidMimeMessageAddressedToExactlyIt() throws Exception {
        Random random = new Random(SEED);
        int accepted = 0;
        for (int n = 0; n < CASES; n++) {
            String typed = randomAddress(random);
            var canonical = EmailAddresses.canonical(typed);
            if (canonical.isEmpty()) {
                continue;
            }
            accepted++;
            String address = canonical.get();
            String replay = "case " + n + " (seed " + SEED + "): " + typed.replace("\r", "\\r").replace("\n", "\\n");

            byte[] raw = mime.build(address, new TemplateRenderer.Rendered("Subject", "text", "<p>html</p>"), null,
                    "n-" + n, Instant.EPOCH);

            assertThat(address).as(replay).matches("[\\x21-\\x7e]+").doesNotContain("=?").doesNotContain("?=");
            MimeMessage parsed = new MimeMessage(session, new ByteArrayInputStream(raw));
            assertThat(parsed.getHeader("To")).as(replay).hasSize(1);
            InternetAddress[] to = InternetAddress.parseHeader(parsed.getHeader("To")[0], true);
            assertThat(to).as(replay).hasSize(1);
            to[0].validate();
            assertThat(to[0].getAddress()).as(replay).isEqualTo(address);
            assertThat(parsed.getHeader("Bcc")).as(replay).isNull();
            String headers = new String(raw, StandardCharsets.US_ASCII).split("\r\n\r\n", 2)[0];
            assertThat(headers.lines().filter(l -> l.startsWith("To:"))).as(replay).hasSize(1);
        }
        assertThat(accepted).as("accepted cases out of " + CASES).isGreaterThan(CASES / 20);
    }

    @Test
    void shouldAcceptOrdinaryAndInternationalisedDomains_andRefuseWhatCannotBeSent() {
        assertThat(EmailAddresses.canonical(" Ann.Smith+news@Example.ORG ")).hasValue("ann.smith+news@example.org");
        assertThat(EmailAddresses.canonical("ann@bücher.example")).hasValue("ann@xn--bcher-kva.example");
        assertThat(EmailAddresses.mailbox("Ann+news@Bücher.example")).isEqualTo("ann@xn--bcher-kva.example");
        assertThat(EmailAddresses.hash("ann@BÜCHER.example")).isEqualTo(EmailAddresses.hash("ann@xn--bcher-kva.example"));
        for (String refused : new String[] {"ann\u0007@example.org", "=?utf-8?q?ann?=@example.org", "ann@localhost",
                "ann@exa_mple.org", "jöe@example.org", "\"ann smith\"@example.org", "ann@[127.0.0.1]", "ann..b@example.org",
                "ann@example.123", "ann@example.org\r\nBcc: x@example.org", "", "@example.org", "ann@"}) {
            assertThat(EmailAddresses.canonical(refused)).as(refused).isEmpty();
        }
    }
}
