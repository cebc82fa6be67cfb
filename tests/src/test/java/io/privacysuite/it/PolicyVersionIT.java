package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.DynamoDbPolicyVersions;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.consent.Site;
import io.privacysuite.consent.api.ConsentService;
import io.privacysuite.consent.api.ConsentSubmission;
import io.privacysuite.core.Env;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.local.emulators.Mailbox;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Privacy-policy versions through the local stack: a material change less than 30 days ahead is refused; a published
 * one is announced to its audience in their language and shown by the API; from its effective date (a moved clock)
 * consents given earlier verify as outdated_version, and consents given under it stay valid.
 */
class PolicyVersionIT extends IntegrationTest {
    static final Duration WAIT = Duration.ofSeconds(60);

    static JsonNode publish(Map<String, Object> event) {
        return stack.functions().invokeForJson("ConsentAdminFunction", event);
    }

    /** The consent service as the API function builds it, with another clock and the published policy versions. */
    static ConsentService consentServiceAt(Clock clock, io.privacysuite.consent.PolicyVersions policies) {
        Env env = stack.functions().env("ConsentApiFunction");
        var dynamo = stack.awsClients().dynamoDb();
        return new ConsentService(new DynamoDbSiteRegistry(dynamo, env.require("SITES_TABLE"), RetentionPolicy.from(env), clock),
                new DynamoDbConsentStore(dynamo, env.require("CONSENTS_TABLE"), ConsentsTable.shards(env)), new ConsentSigner(io.privacysuite.core.secrets.Secrets.from(env,
                        new io.privacysuite.core.aws.AwsClients(env)).secret(io.privacysuite.core.secrets.Secrets.CONSENT_SIGNING)),
                RetentionPolicy.from(env), clock, policies);
    }

    private ConsentService serviceAt(Clock clock) {
        return consentServiceAt(clock, new DynamoDbPolicyVersions(stack.awsClients().dynamoDb(),
                stack.functions().env("ConsentApiFunction").require("POLICY_VERSIONS_TABLE"), 0));
    }

    @Test
    void aMaterialChangeLessThan30DaysAhead_shouldBeRefusedWithItsReason() {
        String version = uniqueId("p");
        JsonNode refused = publish(Map.of("action", "publishPolicy", "operator", "alice", "version", version,
                "summary", "New processor.", "link", "https://shop.example.com/privacy", "material", true,
                "effectiveAt", Instant.now().plus(Duration.ofDays(29)).toString()));

        assertThat(refused.at("/error/status").asInt()).isEqualTo(400);
        assertThat(refused.at("/error/fields/effectiveAt").asText()).contains("30 days");
        JsonNode again = publish(Map.of("action", "publishPolicy", "operator", "alice", "version", version,
                "summary", "New processor.", "link", "https://shop.example.com/privacy", "material", false,
                "effectiveAt", Instant.now().plus(Duration.ofDays(1)).toString()));
        assertThat(again.path("version").asText()).isEqualTo(version);
        assertThat(publish(Map.of("action", "publishPolicy", "operator", "alice", "version", version,
                "summary", "x", "link", "https://shop.example.com/privacy", "material", false,
                "effectiveAt", Instant.now().plus(Duration.ofDays(2)).toString())).at("/error/status").asInt())
                .isEqualTo(409);
    }

    @Test
    void aPublishedMaterialChange_shouldBeAnnounced_shownByTheApi_andOutdateEarlierConsentsFromItsEffectiveDate() {
        String siteId = newSite("policy");
        ConsentService today = serviceAt(Clock.systemUTC());
        Site site = today.site(siteId);
        var earlier = today.record(site, new ConsentSubmission(ConsentMethod.ACCEPT_ALL, Categories.ALL, "2026-11",
                "https://shop.example.com/", null, null), new ConsentService.Visitor("203.0.113.9", false)).record();
        String version = uniqueId("v");
        Instant effective = Instant.now().plus(Duration.ofDays(30)).plus(Duration.ofHours(1));
        String fr = uniqueId("pol") + "@example.org";
        String en = uniqueId("pol") + "@example.org";

        JsonNode published = publish(Map.of("action", "publishPolicy", "operator", "alice", "version", version,
                "summary", "We now share order data with a new payment provider.",
                "link", "https://shop.example.com/privacy/" + version, "material", true,
                "effectiveAt", effective.toString(),
                "audience", Map.of("addresses", List.of(Map.of("email", fr, "locale", "fr"), en))));

        assertThat(published.path("campaign").asText()).as(published.toString()).isEqualTo("policy-" + version);
        Mailbox.Email french = stack.mailbox().awaitEmailTo(fr, WAIT);
        assertThat(french.subject()).contains("Notre politique de confidentialité change");
        assertThat(french.text()).contains("We now share order data",
                "https://shop.example.com/privacy/" + version, "redemanderons");
        assertThat(stack.mailbox().awaitEmailTo(en, WAIT).subject()).contains("Our privacy policy changes");

        // The API function caches the versions for POLICY_CACHE_SECONDS (60): after a consent verified on this stack
        // in the minute before (by another test class), it shows the list from before the publish until then.
        HttpResponse<String> shown = await().atMost(Duration.ofSeconds(75)).pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(500)).until(() -> get("/v1/sites/" + siteId + "/policy"),
                        r -> r.statusCode() != 200 || json(r).at("/upcoming/version").asText().equals(version));
        assertThat(shown.statusCode()).isEqualTo(200);
        JsonNode policy = json(shown);
        assertThat(policy.at("/upcoming/version").asText()).as(shown.body()).isEqualTo(version);
        assertThat(policy.at("/upcoming/material").asBoolean()).isTrue();
        assertThat(policy.at("/upcoming/effectiveAt").asText()).isEqualTo(effective.toString());
        assertThat(get("/v1/sites/nosuchsite-" + uniqueId("x") + "/policy").statusCode()).isEqualTo(404);

        ConsentService beforeIt = serviceAt(Clock.fixed(effective.minusSeconds(60), java.time.ZoneOffset.UTC));
        ConsentService fromIt = serviceAt(Clock.fixed(effective.plusSeconds(60), java.time.ZoneOffset.UTC));
        assertThat(beforeIt.verify(site, earlier.consentId(), null, earlier.key(), null).status())
                .isEqualTo(ConsentService.Status.VALID);
        assertThat(fromIt.verify(site, earlier.consentId(), null, earlier.key(), null).status())
                .isEqualTo(ConsentService.Status.OUTDATED_VERSION);
        var renewed = fromIt.record(site, new ConsentSubmission(ConsentMethod.ACCEPT_ALL, Categories.ALL, "2026-11",
                "https://shop.example.com/", null, null), new ConsentService.Visitor("203.0.113.9", false)).record();
        assertThat(fromIt.verify(site, renewed.consentId(), null, renewed.key(), null).status())
                .isEqualTo(ConsentService.Status.VALID);
    }
}
