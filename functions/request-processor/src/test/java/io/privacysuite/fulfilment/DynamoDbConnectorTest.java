package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DynamoDbConnectorTest {
    @Test
    void anonymizeShouldRemoveTheFields_butNeverTableKeys_andMarkTheItem() {
        DynamoDbConnector.Update u = DynamoDbConnector.anonymizeUpdate(List.of("authorName", "authorEmail", "reviewId"),
                List.of("reviewId"), Instant.parse("2026-11-22T10:00:00Z"));

        assertThat(u.expression().toString()).isEqualTo("SET #a0 = :v0, #a1 = :v1 REMOVE #r0, #r1");
        assertThat(u.names()).containsEntry("#a0", "anonymized").containsEntry("#a1", "anonymizedAt")
                .containsEntry("#r0", "authorName").containsEntry("#r1", "authorEmail")
                .doesNotContainValue("reviewId");
        assertThat(u.values().get(":v0").bool()).isTrue();
        assertThat(u.values().get(":v1").s()).isEqualTo("2026-11-22T10:00:00Z");
    }
}
