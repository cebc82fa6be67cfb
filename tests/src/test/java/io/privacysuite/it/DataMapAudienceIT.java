package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.fulfilment.DataMap;
import io.privacysuite.fulfilment.DataMapAudience;
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
    void aSourceReadInManyScanPages_shouldGiveOneLinePerAddress_andOnlyTheAddress() {
        String table = uniqueId("it-audience");
        var dynamo = stack.awsClients().dynamoDb();
        dynamo.createTable(b -> b.tableName(table).billingMode("PAY_PER_REQUEST")
                .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                .keySchema(k -> k.attributeName("id").keyType("HASH")));
        java.util.Set<String> expected = new java.util.TreeSet<>();
        for (int i = 0; i < 40; i++) {
            String email = table + "-" + (i % 30) + "@example.org";    // ten people twice
            expected.add(email);
            int n = i;
            dynamo.putItem(r -> r.tableName(table).item(Map.of("id", AttributeValue.fromS("row-" + n),
                    "contact", AttributeValue.fromS(email), "other", AttributeValue.fromS("not read"))));
        }
        DataMap map = DataMap.parse("{\"schemaVersion\":1,\"sources\":[{\"id\":\"rows\",\"kind\":\"dynamodb\","
                + "\"table\":\"" + table + "\",\"lookup\":{\"attribute\":\"contact\",\"by\":\"email\"},"
                + "\"category\":\"c\",\"erasure\":{\"mode\":\"delete\"}}]}", Env.of(Map.of()));
        var s3 = stack.awsClients().s3().orElseThrow();
        String bucket = stack.resources().bucketName("ExportsBucket");

        // Scan pages of 7 items. (Parts: S3, and S3Mock too, refuse parts under 5 MB but the last, so the multipart
        // path needs a CSV over 5 MB: not run here.)
        DataMapAudience.Result result = new DataMapAudience(map, dynamo, s3, bucket, 7, 5 * 1024 * 1024)
                .build(List.of("rows"), "paged", Instant.now());

        assertThat(result.addresses()).isEqualTo(30);
        assertThat(result.duplicates()).isEqualTo(10);
        assertThat(result.sources().get(0).items()).isEqualTo(40);
        String csv = s3.getObjectAsBytes(r -> r.bucket(bucket).key(result.csv())).asString(StandardCharsets.UTF_8);
        assertThat(csv.lines().skip(1).toList()).hasSize(30).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(csv).startsWith("email\n").doesNotContain("not read");
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
