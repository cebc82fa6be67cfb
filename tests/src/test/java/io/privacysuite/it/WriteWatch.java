package io.privacysuite.it;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;

/**
 * Sees every write call any AWS SDK client of the test JVM makes (registered for all clients through the SDK's
 * global {@code execution.interceptors} resource), and remembers those of the calling thread. Handlers run on the
 * thread that invokes them, so a test can tell exactly what one invocation wrote: nothing, for a refused request.
 * A write counts once it succeeded (a conditional put that lost its condition wrote nothing).
 * It only observes; every call still goes to the emulator.
 */
public final class WriteWatch implements ExecutionInterceptor {
    /** Operations that change a store, a queue or send mail. */
    static final Set<String> WRITES = Set.of("PutItem", "UpdateItem", "DeleteItem", "BatchWriteItem",
            "TransactWriteItems", "SendMessage", "SendMessageBatch", "DeleteMessage", "DeleteMessageBatch",
            "SendEmail", "SendRawEmail", "PutObject", "DeleteObject", "DeleteObjects", "CopyObject",
            "CreateMultipartUpload", "PutSecretValue", "CreateSecret");

    /** One write call: service, operation and the tables (or queue / bucket) it names. */
    public record Write(String service, String operation, List<String> targets) {
        @Override
        public String toString() {
            return service + "." + operation + targets;
        }
    }

    private static final ThreadLocal<List<Write>> RECORDED = new ThreadLocal<>();

    /** Starts recording this thread's writes (forgetting earlier ones). */
    public static void start() {
        RECORDED.set(new ArrayList<>());
    }

    /** The writes since {@link #start()}, and stops recording. */
    public static List<Write> stop() {
        List<Write> writes = RECORDED.get();
        RECORDED.remove();
        return writes == null ? List.of() : List.copyOf(writes);
    }

    /** Only calls that succeeded count: a conditional write refused by its condition changed nothing. */
    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        List<Write> writes = RECORDED.get();
        if (writes == null) {
            return;
        }
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        if (operation == null || !WRITES.contains(operation)) {
            return;
        }
        writes.add(new Write(attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME), operation,
                targets(context.request())));
    }

    private static List<String> targets(SdkRequest request) {
        List<String> targets = new ArrayList<>();
        for (String field : List.of("TableName", "QueueUrl", "Bucket")) {
            request.getValueForField(field, String.class).ifPresent(targets::add);
        }
        request.getValueForField("RequestItems", Map.class).ifPresent(m -> m.keySet().forEach(k -> targets.add(k.toString())));
        if (request instanceof TransactWriteItemsRequest transaction) {
            for (TransactWriteItem item : transaction.transactItems()) {
                targets.add(item.put() != null ? item.put().tableName() : item.update() != null
                        ? item.update().tableName() : item.delete() != null ? item.delete().tableName()
                        : item.conditionCheck().tableName() + " (check)");
            }
        }
        return targets;
    }
}
