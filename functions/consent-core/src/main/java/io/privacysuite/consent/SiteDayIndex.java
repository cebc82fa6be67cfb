package io.privacysuite.consent;

import java.time.LocalDate;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;

/**
 * Reads a site's day from the sharded {@code bySiteDayShard} index (keys only) in time order: the first page of every
 * shard is queried at once, then a k-way merge on the sort key hands out keys until the limit, fetching a shard's next
 * page only when its buffer runs dry. Memory is one page per shard, never the day. A page ends after a sort key, so
 * {@link #page} resumes with {@code gsi1sk > after} on every shard: no per-shard position to carry.
 */
public final class SiteDayIndex {
    /** The largest sort key a client's resume position may hold (DynamoDB's sort key limit is 1,024 bytes). */
    public static final int MAX_AFTER = 1024;

    private final DynamoDbClient dynamo;
    private final String table;
    private final int shards;

    public SiteDayIndex(DynamoDbClient dynamo, String table, int shards) {
        if (shards < 1 || shards > ConsentsTable.MAX_SHARDS) {
            throw new IllegalArgumentException("shards must be 1 to " + ConsentsTable.MAX_SHARDS);
        }
        this.dynamo = dynamo;
        this.table = table;
        this.shards = shards;
    }

    public int shards() {
        return shards;
    }

    /**
     * Keys (table and index keys) of up to {@code limit} items of the day after sort key {@code after} (null: from the
     * start), in time order; {@code after} of the result is where the next page starts, null when the day is done.
     */
    public record KeyPage(List<Map<String, AttributeValue>> keys, String after) {}

    public KeyPage page(String siteId, LocalDate day, String after, int limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        if (after != null && (after.isEmpty() || after.length() > MAX_AFTER)) {
            throw new IllegalArgumentException("not a position in the index");
        }
        int perShard = perShardPage(limit, shards);
        List<Shard> all = new ArrayList<>(shards);
        for (int n = 0; n < shards; n++) {
            all.add(new Shard(ConsentsTable.siteDayShard(siteId, day, n), after, perShard));
        }
        fetchAll(all);
        // A page may come back empty with a LastEvaluatedKey: go on until a key or the shard's end.
        all.forEach(Shard::fill);
        PriorityQueue<Shard> heads = new PriorityQueue<>(Comparator.comparing(Shard::headSortKey));
        all.stream().filter(Shard::hasBuffered).forEach(heads::add);
        List<Map<String, AttributeValue>> keys = new ArrayList<>(Math.min(limit, 1024));
        String last = null;
        boolean more = false;
        while (!heads.isEmpty()) {
            if (keys.size() == limit) {
                more = true;
                break;
            }
            Shard shard = heads.poll();
            Map<String, AttributeValue> key = shard.take();
            keys.add(key);
            last = key.get(ConsentsTable.SITE_DAY_SK).s();
            if (!shard.hasBuffered() && shard.hasMore()) {
                if (keys.size() == limit) {
                    more = true;
                    continue;
                }
                shard.fill();
            }
            if (shard.hasBuffered()) {
                heads.add(shard);
            }
        }
        return new KeyPage(keys, more ? last : null);
    }

    /**
     * Each shard holds about limit/shards of the next {@code limit} items (binomial): that plus three standard
     * deviations fills the page in one round trip almost always, without reading shards far past the page's end.
     */
    static int perShardPage(int limit, int shards) {
        double mean = (double) limit / shards;
        return (int) Math.min(limit, Math.ceil(mean + 3 * Math.sqrt(mean) + 8));
    }

    /** The first page of every shard at once: a day's latency is one round trip, not one per shard. */
    private static void fetchAll(List<Shard> all) {
        inParallel(all, shard -> {
            shard.fetch();
            return shard;
        });
    }

    /** {@code work} over every input on virtual threads (one input runs on the caller's); results in input order. */
    static <T, R> List<R> inParallel(List<T> inputs, Function<T, R> work) {
        if (inputs.size() <= 1) {
            return inputs.stream().map(work).toList();
        }
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<R>> pending = new ArrayList<>();
            for (T input : inputs) {
                pending.add(pool.submit(() -> work.apply(input)));
            }
            List<R> results = new ArrayList<>(inputs.size());
            for (Future<R> f : pending) {
                results.add(f.get());
            }
            return results;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading the consents table", e);
        }
    }

    /** One shard's partition: a buffer of keys in sort order and where its query goes on. */
    private final class Shard {
        private final String pk;
        private final String after;
        private final int pageSize;
        private final ArrayDeque<Map<String, AttributeValue>> buffer = new ArrayDeque<>();
        private Map<String, AttributeValue> next;
        private boolean started;

        Shard(String pk, String after, int pageSize) {
            this.pk = pk;
            this.after = after;
            this.pageSize = pageSize;
        }

        void fetch() {
            QueryRequest.Builder query = QueryRequest.builder().tableName(table).indexName(ConsentsTable.SITE_DAY_INDEX)
                    .limit(pageSize);
            if (after == null) {
                query.keyConditionExpression("#pk = :pk")
                        .expressionAttributeNames(Map.of("#pk", ConsentsTable.SITE_DAY_PK))
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk)));
            } else {
                query.expressionAttributeNames(Map.of("#pk", ConsentsTable.SITE_DAY_PK, "#sk", ConsentsTable.SITE_DAY_SK));
                query.keyConditionExpression("#pk = :pk AND #sk > :after")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS(pk),
                                ":after", AttributeValue.fromS(after)));
            }
            if (next != null) {
                query.exclusiveStartKey(next);
            }
            QueryResponse response = dynamo.query(query.build());
            buffer.addAll(response.items());
            next = response.hasLastEvaluatedKey() && !response.lastEvaluatedKey().isEmpty()
                    ? response.lastEvaluatedKey() : null;
            started = true;
        }

        void fill() {
            while (buffer.isEmpty() && hasMore()) {
                fetch();
            }
        }

        boolean hasBuffered() {
            return !buffer.isEmpty();
        }

        boolean hasMore() {
            return !started || next != null;
        }

        String headSortKey() {
            return buffer.peekFirst().get(ConsentsTable.SITE_DAY_SK).s();
        }

        Map<String, AttributeValue> take() {
            return buffer.pollFirst();
        }
    }
}
