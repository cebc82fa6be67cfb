package io.privacysuite.requests.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.core.Env;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ConsoleActions;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.SqsOutbox;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Operator actions on data subject requests, invoked from the Lambda console with the test events in
 * {@code events/requests-operator/}: {@code status}, {@code listOpen}, {@code startProcessing}, {@code extend}
 * (months for GDPR, days for CCPA, with a reason), {@code reject} (with a reason), {@code complete},
 * {@code resendNotice}, {@code suppress} (an address, or an SES bounce/complaint notification) and
 * {@code failedNotifications} (emails that could never be sent, recorded once by the notifier).
 * A refused action answers {@code {"error": {...}}} so the console shows why.
 */
public final class RequestsOperatorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ConsoleActions actions;

    public RequestsOperatorHandler() {
        this(Env.system());
    }

    public RequestsOperatorHandler(Env env) {
        this(operationsFrom(env, Clock.systemUTC()));
    }

    public RequestsOperatorHandler(Env env, Clock clock) {
        this(operationsFrom(env, clock));
    }

    public RequestsOperatorHandler(RequestOperations operations) {
        this.actions = new ConsoleActions("request_operator")
                .on("status", input -> operations.status(input))
                .on("listOpen", input -> operations.listOpen(input))
                .on("startProcessing", input -> operations.startProcessing(input))
                .on("requeue", input -> operations.requeue(input))
                .on("extend", input -> operations.extend(input))
                .on("reject", input -> operations.reject(input))
                .on("complete", input -> operations.complete(input))
                .on("resendNotice", input -> operations.resendNotice(input))
                .on("suppress", input -> operations.suppress(input))
                .on("failedNotifications", input -> operations.failedNotifications());
    }

    static RequestOperations operationsFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        RetentionPolicy retention = RetentionPolicy.from(env);
        return new RequestOperations(
                new DynamoDbRequestStore(dynamo, env.require("REQUESTS_TABLE"), retention),
                LegalClock.from(env),
                new SqsOutbox(aws.build(SqsClient.builder(), "SQS"), env.require("NOTIFICATIONS_QUEUE_URL"),
                        env.require("PROCESSING_QUEUE_URL")),
                new DynamoDbEmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention),
                Metrics.from(env), clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return actions.handle(event, context);
    }
}
