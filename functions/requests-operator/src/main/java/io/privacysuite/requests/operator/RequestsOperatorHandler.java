package io.privacysuite.requests.operator;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiResponses;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.RequestStore;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Operator actions on data subject requests, invoked from the Lambda console with the test events in
 * {@code events/requests-operator/}: {@code status}, {@code listOpen}, {@code startProcessing}, {@code extend}
 * (months for GDPR, days for CCPA, with a reason), {@code reject} (with a reason), {@code complete},
 * {@code resendNotice} and {@code suppress} (an address, or an SES bounce/complaint notification).
 * A refused action answers {@code {"error": {...}}} so the console shows why.
 */
public final class RequestsOperatorHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final RequestOperations operations;

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
        this.operations = operations;
    }

    static RequestOperations operationsFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        RetentionPolicy retention = RetentionPolicy.from(env);
        return new RequestOperations(
                new RequestStore(dynamo, env.require("REQUESTS_TABLE"), retention),
                LegalClock.from(env),
                new Outbox(aws.build(SqsClient.builder(), "SQS"), env.require("NOTIFICATIONS_QUEUE_URL"),
                        env.require("PROCESSING_QUEUE_URL")),
                new EmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention),
                clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Log log = Log.of(context);
        JsonNode input = Json.MAPPER.valueToTree(event == null ? Map.of() : event);
        String action = input.path("action").asText("");
        try {
            Map<String, Object> result = switch (action) {
                case "status" -> operations.status(input);
                case "listOpen" -> operations.listOpen(input);
                case "startProcessing" -> operations.startProcessing(input);
                case "requeue" -> operations.requeue(input);
                case "extend" -> operations.extend(input);
                case "reject" -> operations.reject(input);
                case "complete" -> operations.complete(input);
                case "resendNotice" -> operations.resendNotice(input);
                case "suppress" -> operations.suppress(input);
                default -> throw ApiException.badRequest("Unknown action '" + action + "': use status, listOpen, "
                        + "startProcessing, requeue, extend, reject, complete, resendNotice or suppress.");
            };
            log.info("request_operator_action", "action", action, "requestId", input.path("requestId").asText("-"));
            return result;
        } catch (ApiException e) {
            log.warn("request_operator_refused", "action", action, "code", e.code());
            return ApiResponses.consoleError(e);
        }
    }
}
