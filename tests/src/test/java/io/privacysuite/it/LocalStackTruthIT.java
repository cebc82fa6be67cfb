package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.emulators.AwsEndpoints;
import io.privacysuite.local.emulators.EmbeddedEmulators;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.local.emulators.SesEmulator;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The local suite tells the truth: links point at the port it runs on, and mail still goes out after SES dies. */
class LocalStackTruthIT extends IntegrationTest {

    private HttpResponse<String> submit(String siteId, String email) {
        return http("POST", "/v1/requests", "{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\"" + siteId
                + "\",\"locale\":\"en\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
    }

    @Test
    void shouldEmailLinksToThePortTheLocalApiRunsOn() {
        String siteId = newSite("port");
        String email = DataSubjectRequestIT.address("port");

        assertThat(submit(siteId, email).statusCode()).isEqualTo(202);

        Mailbox.Email mail = stack.mailbox().awaitEmailTo(email, DataSubjectRequestIT.MAIL_WAIT);
        Matcher link = DataSubjectRequestIT.VERIFY_LINK.matcher(mail.text());
        assertThat(link.find()).isTrue();
        URI uri = URI.create(link.group());
        assertThat(uri.getPort()).as("an ephemeral port, not a default").isEqualTo(stack.httpBaseUri().getPort());
        assertThat(uri.getHost()).isEqualTo(stack.httpBaseUri().getHost());
        // And the link, as emailed, opens the confirmation page on this very API.
        assertThat(get(pathAndQuery(link.group())).body()).contains("<form method=\"post\"");
    }

    @Test
    void shouldStartTheSesEmulatorAgain_whenItDies_soIntakeStillLeadsToAnEmail() throws Exception {
        AwsEndpoints emulators = ((TestBackends.Proxied) stack.endpoints()).real();
        Assumptions.assumeTrue(emulators instanceof EmbeddedEmulators, "runs only with the embedded emulators");
        SesEmulator ses = ((EmbeddedEmulators) emulators).sesEmulator();
        int restartsBefore = ses.restarts();
        long killed = ses.pid();
        ProcessHandle process = ProcessHandle.of(killed).orElseThrow();
        String siteId = newSite("sesdown");
        String email = DataSubjectRequestIT.address("after-crash");

        assertThat(process.destroyForcibly()).isTrue();
        process.onExit().get(10, TimeUnit.SECONDS);
        HttpResponse<String> accepted = submit(siteId, email);

        assertThat(accepted.statusCode()).isEqualTo(202);
        Mailbox.Email mail = stack.mailbox().awaitEmailTo(email, DataSubjectRequestIT.MAIL_WAIT);
        assertThat(mail.subject()).contains("Please confirm");
        assertThat(ses.pid()).isNotEqualTo(killed);
        assertThat(ses.isAlive()).isTrue();
        assertThat(ses.restarts()).isEqualTo(restartsBefore + 1);
        assertThat(ses.endpoint()).isEqualTo(emulators.ses());
    }
}
