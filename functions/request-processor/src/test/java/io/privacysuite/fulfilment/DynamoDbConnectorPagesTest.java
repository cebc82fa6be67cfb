package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/** A source read page by page: every item once, in Query order, the next page asked for while this one is handed over. */
class DynamoDbConnectorPagesTest {
    private static final DataMap.Source SOURCE = DataMap.parse("""
            {"schemaVersion":1,"sources":[{"id":"orders","kind":"dynamodb","table":"Orders",
             "lookup":{"attribute":"email","by":"email"},"category":"orders","description":"Your orders",
             "erasure":{"mode":"delete"}}]}""", io.privacysuite.core.Env.of(Map.of())).sources().get(0);
    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");

    /** Three pages of two items; page n is asked for with the last key of page n-1. */
    static class PagedTable implements DynamoDbClient {
        final List<Integer> asked = new CopyOnWriteArrayList<>();
        final CountDownLatch secondPageAsked = new CountDownLatch(1);
        volatile int failingPage = -1;

        @Override
        public QueryResponse query(QueryRequest request) {
            int n = request.exclusiveStartKey() == null || request.exclusiveStartKey().isEmpty() ? 0
                    : Integer.parseInt(request.exclusiveStartKey().get("id").s().substring(1)) / 2 + 1;
            asked.add(n);
            if (n == 1) {
                secondPageAsked.countDown();
            }
            if (n == failingPage) {
                throw DynamoDbException.builder().message("throttled").build();
            }
            List<Map<String, AttributeValue>> items = List.of(item(2 * n), item(2 * n + 1));
            QueryResponse.Builder page = QueryResponse.builder().items(items).count(2);
            if (n < 2) {
                page.lastEvaluatedKey(Map.of("email", AttributeValue.fromS("ann@example.org"),
                        "id", AttributeValue.fromS("R" + (2 * n + 1))));
            }
            return page.build();
        }

        private static Map<String, AttributeValue> item(int i) {
            return Map.of("email", AttributeValue.fromS("ann@example.org"), "id", AttributeValue.fromS("R" + i));
        }

        @Override
        public String serviceName() {
            return "dynamodb";
        }

        @Override
        public void close() {
        }
    }

    private static String id(Map<String, AttributeValue> item) {
        return item.get("id").s();
    }

    @Test
    void shouldHandOverEveryItemInQueryOrder_askingForTheNextPageWhileThisOnesItemsAreHandedOver() {
        PagedTable table = new PagedTable();
        DynamoDbConnector connector = new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC);
        List<String> seen = new ArrayList<>();
        boolean[] nextAskedDuringFirstItem = {false};

        connector.eachItem("ann@example.org", NOW, item -> {
            if (seen.isEmpty()) {
                // Read one page after the other, the second page would be asked for only after this returns.
                try {
                    nextAskedDuringFirstItem[0] = table.secondPageAsked.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            seen.add(id(item));
        });

        assertThat(nextAskedDuringFirstItem[0]).as("page 2 asked for while page 1 was handed over").isTrue();
        assertThat(seen).containsExactly("R0", "R1", "R2", "R3", "R4", "R5");
        assertThat(table.asked).containsExactly(0, 1, 2);
    }

    @Test
    void shouldFailTheSource_whenAPageAskedForAheadFails_afterHandingOverThoseBeforeIt() {
        PagedTable table = new PagedTable();
        table.failingPage = 1;
        DynamoDbConnector connector = new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC);
        List<String> seen = new ArrayList<>();

        assertThatThrownBy(() -> connector.eachItem("ann@example.org", NOW, item -> seen.add(id(item))))
                .isInstanceOf(Connector.SourceFailedException.class).hasMessage("orders: query failed")
                .hasCauseInstanceOf(DynamoDbException.class);
        assertThat(seen).containsExactly("R0", "R1");
        assertThat(table.asked).containsExactly(0, 1);
    }

    @Test
    void shouldStopReading_whenAnItemCannotBeTaken() throws Exception {
        PagedTable table = new PagedTable();
        DynamoDbConnector connector = new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC);
        IllegalStateException full = new IllegalStateException("spool full");

        assertThatThrownBy(() -> connector.eachItem("ann@example.org", NOW, item -> {
            throw full;
        })).isSameAs(full);
        Thread.sleep(200);
        assertThat(table.asked).as("no page after the one asked for ahead").doesNotContain(2);
    }

    @Test
    void shouldLetAnErrorOfAPageAskedForAheadThrough_asThatError() {
        StackOverflowError error = new StackOverflowError("test");
        PagedTable table = new PagedTable() {
            @Override
            public QueryResponse query(QueryRequest request) {
                if (request.exclusiveStartKey() != null && !request.exclusiveStartKey().isEmpty()) {
                    throw error;
                }
                return super.query(request);
            }
        };
        DynamoDbConnector connector = new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC);

        assertThatThrownBy(() -> connector.eachItem("ann@example.org", NOW, item -> { }))
                .as("not a failed source (recorded, retried) but what it is").isSameAs(error);
    }

    @Test
    void shouldStopAfterThePageAskedForAhead_whenTheReadingThreadIsInterrupted_andKeepTheInterrupt() {
        CountDownLatch pageTwoEnded = new CountDownLatch(1);
        PagedTable table = new PagedTable() {
            @Override
            public QueryResponse query(QueryRequest request) {
                QueryResponse page = super.query(request);
                if (asked.size() == 2) {
                    try {
                        Thread.sleep(100); // a page in flight when the interrupt comes
                    } catch (InterruptedException e) {
                        throw new IllegalStateException("the page ahead was interrupted", e);
                    }
                    pageTwoEnded.countDown();
                }
                return page;
            }
        };
        DynamoDbConnector connector = new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC);
        List<String> seen = new ArrayList<>();

        try {
            assertThatThrownBy(() -> connector.eachItem("ann@example.org", NOW, item -> {
                seen.add(id(item));
                Thread.currentThread().interrupt(); // e.g. the invocation being stopped
            })).isInstanceOf(Connector.SourceFailedException.class).hasMessage("orders: query interrupted");
            assertThat(pageTwoEnded.getCount()).as("the page ahead was waited for, not left running").isZero();
            assertThat(seen).as("no item of a page read after the interrupt").containsExactly("R0", "R1");
            assertThat(table.asked).containsExactly(0, 1);
        } finally {
            assertThat(Thread.interrupted()).as("the interrupt is kept").isTrue();
        }
    }

    @Test
    void shouldLeaveOutItemsPastTheirTtl_onEveryPage() {
        DynamoDbClient table = new PagedTable() {
            @Override
            public QueryResponse query(QueryRequest request) {
                QueryResponse page = super.query(request);
                List<Map<String, AttributeValue>> items = new ArrayList<>();
                for (Map<String, AttributeValue> item : page.items()) {
                    Map<String, AttributeValue> withTtl = new java.util.HashMap<>(item);
                    int n = Integer.parseInt(id(item).substring(1));
                    withTtl.put(SOURCE.ttlAttribute(), AttributeValue.fromN(Long.toString(
                            NOW.getEpochSecond() + (n % 2 == 0 ? -60 : 3600))));
                    items.add(withTtl);
                }
                return page.toBuilder().items(items).build();
            }
        };
        List<String> seen = new ArrayList<>();

        new DynamoDbConnector(SOURCE, table, java.time.ZoneOffset.UTC).eachItem("ann@example.org", NOW,
                item -> seen.add(id(item)));

        assertThat(seen).containsExactly("R1", "R3", "R5");
    }
}
