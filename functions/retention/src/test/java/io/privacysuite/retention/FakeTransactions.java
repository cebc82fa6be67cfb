package io.privacysuite.retention;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

/**
 * An in-memory DynamoDB that answers TransactWriteItems as the service does: at most 100 actions, one action per
 * item, all or nothing, and on cancellation one reason per action ({@code ConditionalCheckFailed} where a condition
 * failed, {@code None} for the others). Conditions are the {@code attribute_exists}/{@code attribute_not_exists}
 * conjunctions the eraser writes. Faults are scripted: each queued function may answer a transaction with the
 * reasons to cancel it with instead.
 */
final class FakeTransactions implements DynamoDbClient {
    private static final Pattern CONDITION = Pattern.compile("(attribute_exists|attribute_not_exists)\\((\\w+)\\)");
    private final Map<String, List<String>> keySchema = new HashMap<>();
    private final Map<String, Map<String, Map<String, AttributeValue>>> tables = new HashMap<>();
    final List<List<TransactWriteItem>> committed = new ArrayList<>();
    final List<Integer> attempted = new ArrayList<>();
    /** Checked in order before each transaction; the first that answers reasons cancels it with them. */
    final List<Function<List<TransactWriteItem>, List<String>>> faults = new ArrayList<>();

    FakeTransactions table(String name, String... keyAttributes) {
        keySchema.put(name, List.of(keyAttributes));
        tables.put(name, new HashMap<>());
        return this;
    }

    void put(String table, Map<String, AttributeValue> item) {
        tables.get(table).put(keyOf(table, item), new HashMap<>(item));
    }

    Map<String, AttributeValue> get(String table, Map<String, AttributeValue> key) {
        return tables.get(table).get(keyOf(table, key));
    }

    int size(String table) {
        return tables.get(table).size();
    }

    @Override
    public TransactWriteItemsResponse transactWriteItems(TransactWriteItemsRequest request) {
        List<TransactWriteItem> actions = request.transactItems();
        attempted.add(actions.size());
        if (actions.size() > 100) {
            throw validation("Member must have length less than or equal to 100");
        }
        Set<String> named = new HashSet<>();
        for (TransactWriteItem action : actions) {
            if (!named.add(tableOf(action) + "/" + keyOf(tableOf(action), itemOrKey(action)))) {
                throw validation("Transaction request cannot include multiple operations on one item");
            }
        }
        for (Function<List<TransactWriteItem>, List<String>> fault : faults) {
            List<String> injected = fault.apply(actions);
            if (injected != null) {
                throw cancelled(injected);
            }
        }
        List<String> reasons = new ArrayList<>();
        boolean failed = false;
        for (TransactWriteItem action : actions) {
            Map<String, AttributeValue> current = tables.get(tableOf(action)).get(keyOf(tableOf(action), itemOrKey(action)));
            boolean holds = matches(action.delete() != null ? action.delete().conditionExpression()
                    : action.put().conditionExpression(), current);
            reasons.add(holds ? "None" : "ConditionalCheckFailed");
            failed |= !holds;
        }
        if (failed) {
            throw cancelled(reasons);
        }
        for (TransactWriteItem action : actions) {
            String table = tableOf(action);
            if (action.delete() != null) {
                tables.get(table).remove(keyOf(table, action.delete().key()));
            } else {
                put(table, action.put().item());
            }
        }
        committed.add(actions);
        return TransactWriteItemsResponse.builder().build();
    }

    /**
     * A fault that cancels the next {@code times} transactions deleting an item {@code which} accepts, with {@code code}
     * on that item's delete and {@code None} on every other action.
     */
    static Function<List<TransactWriteItem>, List<String>> busyOn(String code, int times,
            java.util.function.Predicate<Map<String, AttributeValue>> which) {
        java.util.concurrent.atomic.AtomicInteger left = new java.util.concurrent.atomic.AtomicInteger(times);
        return actions -> {
            List<String> reasons = new ArrayList<>();
            boolean any = false;
            for (TransactWriteItem action : actions) {
                boolean hit = action.delete() != null && which.test(action.delete().key());
                reasons.add(hit ? code : "None");
                any |= hit;
            }
            return any && left.getAndDecrement() > 0 ? reasons : null;
        };
    }

    private static TransactionCanceledException cancelled(List<String> codes) {
        return TransactionCanceledException.builder().message("Transaction cancelled")
                .cancellationReasons(codes.stream().map(c -> CancellationReason.builder().code(c).build()).toList())
                .build();
    }

    private static DynamoDbException validation(String message) {
        return (DynamoDbException) DynamoDbException.builder().message(message).statusCode(400).build();
    }

    private static boolean matches(String condition, Map<String, AttributeValue> current) {
        if (condition == null) {
            return true;
        }
        for (String clause : condition.split(" AND ")) {
            Matcher m = CONDITION.matcher(clause.trim());
            if (!m.matches()) {
                throw validation("unsupported condition " + clause);
            }
            boolean present = current != null && current.containsKey(m.group(2));
            if (present != m.group(1).equals("attribute_exists")) {
                return false;
            }
        }
        return true;
    }

    private static String tableOf(TransactWriteItem action) {
        return action.delete() != null ? action.delete().tableName() : action.put().tableName();
    }

    private static Map<String, AttributeValue> itemOrKey(TransactWriteItem action) {
        return action.delete() != null ? action.delete().key() : action.put().item();
    }

    private String keyOf(String table, Map<String, AttributeValue> item) {
        StringBuilder key = new StringBuilder();
        for (String name : keySchema.get(table)) {
            key.append(name).append('=').append(item.get(name).s()).append('|');
        }
        return key.toString();
    }

    @Override
    public String serviceName() {
        return "dynamodb";
    }

    @Override
    public void close() {}
}
