package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which sources an audience may list; the scan and the CSV run against the local stack (DataMapAudienceIT). */
class DataMapAudienceTest {
    /** The example map with only the orders table set: webhook URL and secret absent, as in the function. */
    static DataMap exampleMap() throws Exception {
        String file = DataMapTest.ROOT.resolve("config/data-map.example.json").toString();
        Env env = Env.of(Map.of(DataMap.FILE_VARIABLE, file, "ORDERS_TABLE", "orders"));
        return DataMap.load(DataMapAudienceHandler.withUnsetPlaceholders(env));
    }

    @Test
    void theFunctionsMap_shouldLoadWithoutTheWebhookSecrets_andListOnlyAddressSourcesWithATable() throws Exception {
        DataMap map = exampleMap();
        DataMapAudience audience = new DataMapAudience(map, null, null, "bucket");
        List<String> ids = map.sources().stream().map(DataMap.Source::id).toList();

        assertThat(Files.readString(DataMapTest.ROOT.resolve("config/data-map.example.json"))).contains("${");
        assertThat(audience.sources(List.of("orders", "orders"))).extracting(DataMap.Source::id).containsExactly("orders");
        assertThat(ids).contains("support-desk", "consents", "invoices");
        assertThatThrownBy(() -> audience.sources(List.of("support-desk", "consents", "invoices", "nope")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown data map source(s): nope")
                .hasMessageContaining("not enumerable: support-desk (webhook), consents (suite), invoices (looked up by");
        assertThatThrownBy(() -> audience.sources(List.of("customer-accounts")))
                .hasMessageContaining("table not set in this function's environment: customer-accounts");
    }

    @Test
    void shouldRefuseNoSourcesTooManyAndABadCampaign_beforeReadingAnything() throws Exception {
        DataMapAudience audience = new DataMapAudience(exampleMap(), null, null, "bucket");

        assertThatThrownBy(() -> audience.sources(List.of())).hasMessageContaining("1..50");
        assertThatThrownBy(() -> audience.sources(Collections.nCopies(51, "orders"))).hasMessageContaining("1..50");
        for (String campaign : new String[] {"", "../x", "A", "x".repeat(41), "a/b"}) {
            assertThatThrownBy(() -> audience.build(List.of("orders"), campaign, Instant.EPOCH))
                    .as(campaign).hasMessageContaining("campaign");
        }
    }
}
