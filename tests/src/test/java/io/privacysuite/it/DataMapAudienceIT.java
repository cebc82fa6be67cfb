package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Notices to the people a data map source holds, through the local stack: DataMapAudienceFunction (the request
 * processor's artifact and data map) lists a company table into an audience CSV in the exports bucket, which a breach
 * notice then mails, once per address. Sources that cannot be listed, and unknown ones, are refused.
 */
class DataMapAudienceIT extends IntegrationTest {

    static JsonNode audience(Map<String, Object> event) {
        return stack.functions().invokeForJson("DataMapAudienceFunction", event);
    }

    static void subscriber(String email, Long expiresAt) {
        Map<String, AttributeValue> item = new java.util.HashMap<>(Map.of("email", AttributeValue.fromS(email),
                "name", AttributeValue.fromS("Reader")));
        if (expiresAt != null) {
            item.put("expiresAt", AttributeValue.fromN(Long.toString(expiresAt)));
        }
        stack.awsClients().dynamoDb().putItem(r -> r.tableName(TestBackends.NEWSLETTER_TABLE).item(item));
    }

    @Test
    void aDataMapSource_shouldBecomeAnAudienceCsv_thatABreachNoticeMailsOncePerValidAddress() {
        String tag = uniqueId("dm");
        String one = tag + "-one@example.org";
        String two = tag + "-two@example.org";
        String gone = tag + "-gone@example.org";
        subscriber(one.toUpperCase(), null);
        subscriber(one, null);                     // the same person, another spelling: one line
        subscriber(two, Instant.now().plusSeconds(86_400).getEpochSecond());
        subscriber("not an address " + tag, null); // counted, not written
        subscriber(gone, Instant.now().minusSeconds(60).getEpochSecond()); // past its TTL: gone

        JsonNode built = audience(Map.of("action", "dataMapAudience", "sources", List.of("shop-newsletter"),
                "campaign", "breach-" + tag.toLowerCase()));

        String key = built.path("csv").asText();
        assertThat(key).as(built.toString()).startsWith("audiences/data-map/breach-").endsWith(".csv");
        assertThat(built.path("addresses").asLong()).isEqualTo(2);
        assertThat(built.path("duplicates").asLong()).isEqualTo(1);
        assertThat(built.path("invalid").asLong()).isEqualTo(1);
        assertThat(built.at("/sources/0/source").asText()).isEqualTo("shop-newsletter");
        assertThat(built.at("/sources/0/items").asLong()).isEqualTo(4);
        String csv = stack.awsClients().s3().orElseThrow().getObjectAsBytes(r -> r
                .bucket(stack.resources().bucketName("ExportsBucket")).key(key)).asString(StandardCharsets.UTF_8);
        assertThat(csv.lines().toList()).containsExactlyInAnyOrder("email", one, two);

        String incidentId = BreachNoticeFanOutIT.openIncident("Newsletter " + tag);
        JsonNode notified = BreachNoticeFanOutIT.admin(Map.of("action", "notifyAffected", "incidentId", incidentId,
                "operator", "alice", "audience", Map.of("csv", key), "whatYouCanDo", "Watch for phishing."));

        assertThat(notified.path("error").isMissingNode()).as(notified.toString()).isTrue();
        assertThat(stack.mailbox().awaitEmailTo(one, AccountAudienceIT.WAIT).text()).contains("Watch for phishing.");
        stack.mailbox().awaitEmailTo(two, AccountAudienceIT.WAIT);
        AccountAudienceIT.awaitQuiet();
        assertThat(stack.mailbox().to(one)).hasSize(1);
        assertThat(stack.mailbox().to(two)).hasSize(1);
        assertThat(stack.mailbox().to(gone)).isEmpty();
    }

    @Test
    void sourcesThatCannotBeListed_andUnknownOnes_shouldBeRefused_namingThem() {
        JsonNode notListable = audience(Map.of("action", "dataMapAudience", "campaign", "c",
                "sources", List.of("support-desk", "consents", "shop-loyalty")));
        JsonNode unknown = audience(Map.of("action", "dataMapAudience", "campaign", "c",
                "sources", List.of("shop-newsletter", "no-such-source")));
        JsonNode unset = audience(Map.of("action", "dataMapAudience", "campaign", "c",
                "sources", List.of("shop-reviews")));
        JsonNode badCampaign = audience(Map.of("action", "dataMapAudience", "campaign", "../x",
                "sources", List.of("shop-newsletter")));

        assertThat(notListable.at("/error/status").asInt()).as(notListable.toString()).isEqualTo(400);
        assertThat(notListable.at("/error/message").asText()).contains("not enumerable", "support-desk (webhook)",
                "consents (suite)", "shop-loyalty (looked up by subject_id)");
        assertThat(unknown.at("/error/status").asInt()).isEqualTo(400);
        assertThat(unknown.at("/error/message").asText()).contains("unknown data map source(s): no-such-source")
                .doesNotContain("not enumerable");
        assertThat(unset.at("/error/message").asText()).contains("table not set", "shop-reviews");
        assertThat(badCampaign.at("/error/message").asText()).contains("campaign");
    }
}
