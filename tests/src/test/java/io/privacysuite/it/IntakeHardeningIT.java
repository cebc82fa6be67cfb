package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.template.Template;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Intake cannot be turned against a mailbox or the alarms: rate limits that a +tag, upper case, a Unicode domain or a
 * fresh address from the same IPv6 /64 do not escape; only addresses the notifier can really send to; the body limit
 * the README states.
 */
class IntakeHardeningIT extends IntegrationTest {
    String siteId;

    @BeforeEach
    void site() {
        siteId = newSite("intake");
    }

    HttpResponse<String> submit(String emailJson, String ip) {
        return http("POST", "/v1/requests", "{\"type\":\"access\",\"email\":" + emailJson + ",\"siteId\":\"" + siteId + "\"}",
                "x-forwarded-for", ip);
    }

    static String quoted(String s) {
        return "\"" + s + "\"";
    }

    @Test
    void shouldRateLimitOneMailbox_howeverItsAddressIsSpelled() {
        String local = uniqueId("ann");
        List<String> spellings = List.of(local + "@example.org", local.toUpperCase() + "@Example.ORG",
                local + "+news@example.org", local + "+1@example.org", local + "+a.b@EXAMPLE.org");
        for (String spelling : spellings) {
            assertThat(submit(quoted(spelling), DataSubjectRequestIT.randomIp()).statusCode()).as(spelling).isEqualTo(202);
        }

        HttpResponse<String> sixth = submit(quoted(local + "+six@example.org"), DataSubjectRequestIT.randomIp());

        assertThat(sixth.statusCode()).isEqualTo(429);
        assertThat(sixth.headers().firstValue("retry-after")).isPresent();
    }

    @Test
    void shouldRateLimitAUnicodeDomainAndItsPunycodeAsOneAddress() {
        String local = uniqueId("idn");
        for (int i = 0; i < 5; i++) {
            String domain = i % 2 == 0 ? "bücher.example" : "xn--bcher-kva.example";
            assertThat(submit(quoted(local + "@" + domain), DataSubjectRequestIT.randomIp()).statusCode()).isEqualTo(202);
        }
        assertThat(submit(quoted(local + "@BÜCHER.example"), DataSubjectRequestIT.randomIp()).statusCode()).isEqualTo(429);
        // The verification mails went out (the emulator shows the domain decoded; the MIME To is ASCII, see the
        // notifier's SendableAddressPropertiesTest), one per accepted submission whatever the spelling.
        assertThat(stack.mailbox().awaitEmails(e -> e.isAddressedTo(local + "@xn--bcher-kva.example")
                || e.isAddressedTo(local + "@bücher.example"), 5, Duration.ofSeconds(30))).hasSize(5);
    }

    @Test
    void shouldRateLimitPerIpv6Slash64_notPerAddressWithinIt() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        String network = "2001:db8:" + Integer.toHexString(r.nextInt(0x10000)) + ":" + Integer.toHexString(r.nextInt(0x10000));
        for (int i = 1; i <= 30; i++) {
            String ip = network + ":" + Integer.toHexString(i) + "::" + Integer.toHexString(r.nextInt(1, 0x10000));
            assertThat(submit(quoted(uniqueId("v6") + "@example.org"), ip).statusCode()).as(ip).isEqualTo(202);
        }

        assertThat(submit(quoted(uniqueId("v6") + "@example.org"), network + ":ffff:ffff:ffff:ffff").statusCode())
                .isEqualTo(429);
        String otherNetwork = "2001:db8:" + Integer.toHexString(r.nextInt(0x10000)) + ":1::1";
        assertThat(submit(quoted(uniqueId("v6") + "@example.org"), otherNetwork).statusCode()).isEqualTo(202);
    }

    @Test
    void shouldRefuseAddressesTheNotifierCannotSendTo() {
        List<String> refused = List.of(
                quoted("ann\\u0007bell@example.org"),
                quoted("ann@example.org\\r\\nBcc: all@example.org"),
                quoted("=?utf-8?q?ann?=@example.org"),
                quoted("ann@example.org=?utf-8?b?QQ==?="),
                quoted("ann@localhost"),
                quoted("ann@-bad.example"),
                quoted("ann@bad-.example"),
                quoted("ann@exa_mple.org"),
                quoted("ann..x@example.org"),
                quoted(".ann@example.org"),
                quoted("jöe@example.org"),
                quoted("ann@[127.0.0.1]"),
                quoted("\\\"ann smith\\\"@example.org"),
                quoted("ann@example.123"),
                quoted("ann@" + "a".repeat(64) + ".example"));
        for (String email : refused) {
            HttpResponse<String> answer = submit(email, DataSubjectRequestIT.randomIp());
            assertThat(answer.statusCode()).as(email).isEqualTo(400);
            assertThat(json(answer).at("/error/fields").has("email")).as(email).isTrue();
        }
    }

    @Test
    void shouldAnswer413JustOverTheBodyLimitTheReadmeStates_andAcceptABodyAtIt() throws Exception {
        String readme = Files.readString(Template.root().resolve("README.md"), StandardCharsets.UTF_8);
        Matcher stated = Pattern.compile("413 \\(body over \\d+ KB; (\\d+) KB for data subject requests\\)").matcher(readme);
        assertThat(stated.find()).as("README states the requests body limit").isTrue();
        int limit = Integer.parseInt(stated.group(1)) * 1024;

        String atLimit = bodyOfSize(limit);
        String overLimit = bodyOfSize(limit + 1);

        assertThat(atLimit.getBytes(StandardCharsets.UTF_8)).hasSize(limit);
        assertThat(http("POST", "/v1/requests", atLimit, "x-forwarded-for", DataSubjectRequestIT.randomIp()).statusCode())
                .isEqualTo(202);
        HttpResponse<String> tooLarge = http("POST", "/v1/requests", overLimit, "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).at("/error/code").asText()).isEqualTo("payload_too_large");
    }

    /** A valid access request whose JSON is exactly {@code size} bytes (padding in details of up to 2000 characters). */
    String bodyOfSize(int size) {
        String head = "{\"type\":\"access\",\"email\":\"" + uniqueId("big") + "@example.org\",\"siteId\":\"" + siteId
                + "\",\"details\":{";
        StringBuilder body = new StringBuilder(head);
        int entry = 0;
        while (true) {
            String prefix = (entry == 0 ? "" : ",") + "\"note" + entry + "\":\"";
            int room = size - body.length() - prefix.length() - "\"}}".length();
            if (room <= 2000) {
                body.append(prefix).append("x".repeat(room)).append("\"}}");
                return body.toString();
            }
            body.append(prefix).append("x".repeat(1900)).append('"');
            entry++;
        }
    }

    /** The project root, where README.md lives. */
    static final class Template {
        static java.nio.file.Path root() {
            return io.privacysuite.local.template.Template.projectRoot();
        }
    }
}
