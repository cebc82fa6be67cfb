package io.privacysuite.fulfilment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.requests.Outbox;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.RequestStore;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Consumes the request processing queue: one verified request per message, fulfilled by {@link FulfilmentService}.
 * A message whose sources failed is reported as a batch item failure and made visible again after an exponential
 * backoff ({@code RETRY_BACKOFF_SECONDS} x 2^(delivery-1), capped at 15 minutes); after {@code MAX_RECEIVES}
 * deliveries (the queue's maxReceiveCount) the request is escalated and the message goes to the DLQ.
 */
public final class RequestProcessorHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final FulfilmentService service;
    private final SqsClient sqs;
    private final String queueUrl;
    private final int backoffSeconds;

    public RequestProcessorHandler() {
        this(Env.system());
    }

    public RequestProcessorHandler(Env env) {
        this(env, new AwsClients(env));
    }

    private RequestProcessorHandler(Env env, AwsClients aws) {
        this(serviceFrom(env, aws, Clock.systemUTC()), aws.build(SqsClient.builder(), "SQS"),
                env.require("PROCESSING_QUEUE_URL"), env.getInt("RETRY_BACKOFF_SECONDS", 60));
    }

    public RequestProcessorHandler(FulfilmentService service, SqsClient sqs, String queueUrl, int backoffSeconds) {
        this.service = service;
        this.sqs = sqs;
        this.queueUrl = queueUrl;
        this.backoffSeconds = backoffSeconds;
    }

    /** The service as the handler builds it (also used by the export benchmark). */
    public static FulfilmentService serviceFrom(Env env, AwsClients aws, Clock clock) {
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        RetentionPolicy retention = RetentionPolicy.from(env);
        ZoneId zone = ZoneId.of(env.get("LEGAL_TIME_ZONE", "Europe/Brussels"));
        DataMap map = DataMap.load(env);
        Duration webhookBackoff = Duration.ofMillis(env.getInt("WEBHOOK_BACKOFF_MILLIS", 250));
        List<Connector> connectors = new ArrayList<>();
        for (DataMap.Source source : map.sources()) {
            connectors.add(switch (source.kind()) {
                case DYNAMODB -> new DynamoDbConnector(source, dynamo, zone);
                case WEBHOOK -> new WebhookConnector(source, clock, webhookBackoff);
                case SUITE -> new SuiteConnector(source, dynamo, env.require(switch (source.dataset()) {
                    case CONSENTS -> "CONSENTS_TABLE";
                    case EMAIL_PREFERENCES -> "EMAIL_PREFERENCES_TABLE";
                    case REQUESTS -> "REQUESTS_TABLE";
                }), zone);
            });
        }
        // Path-style addressing against an endpoint override (S3Mock, LocalStack); virtual-hosted on AWS.
        boolean pathStyle = aws.endpointFor("S3").isPresent();
        S3Client s3 = aws.build(S3Client.builder().forcePathStyle(pathStyle), "S3");
        S3Presigner.Builder presigner = S3Presigner.builder().region(aws.region()).credentialsProvider(aws.credentials())
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build());
        aws.endpointFor("S3").ifPresent(presigner::endpointOverride);
        ExportStore exports = new ExportStore(s3, presigner.build(), env.require("EXPORTS_BUCKET"),
                Duration.ofDays(env.getInt("EXPORT_LINK_DAYS", 7)));
        return new FulfilmentService(new RequestStore(dynamo, env.require("REQUESTS_TABLE"), retention), connectors,
                exports, new Outbox(aws.build(SqsClient.builder(), "SQS"), env.require("NOTIFICATIONS_QUEUE_URL"),
                env.require("PROCESSING_QUEUE_URL")),
                new EmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention),
                env.require("OPERATOR_EMAIL"), env.getInt("MAX_RECEIVES", 5), zone, clock);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Log log = Log.of(context);
        List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
        List<SQSEvent.SQSMessage> records = event == null || event.getRecords() == null ? List.of() : event.getRecords();
        for (SQSEvent.SQSMessage message : records) {
            int delivery = receiveCount(message);
            String requestId = "-";
            try {
                ProcessingMessage m = Json.MAPPER.readValue(message.getBody(), ProcessingMessage.class);
                requestId = m.requestId();
                FulfilmentService.Result result = service.process(m, delivery);
                log.info("request_fulfilment", "requestId", requestId, "type", m.type(), "result", result,
                        "delivery", delivery);
                if (result == FulfilmentService.Result.RETRY) {
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                    backoff(message, delivery, log);
                } else if (result == FulfilmentService.Result.ESCALATED) {
                    // Fails once more: this was the last delivery, so SQS moves it to the DLQ on the next receive.
                    failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                    backoff(message, delivery, log);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                log.warn("request_fulfilment_malformed", "messageId", message.getMessageId(), "delivery", delivery);
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
            } catch (RuntimeException e) {
                log.error("request_fulfilment_failed", e, "requestId", requestId, "messageId", message.getMessageId(),
                        "delivery", delivery);
                failures.add(new SQSBatchResponse.BatchItemFailure(message.getMessageId()));
                backoff(message, delivery, log);
            }
        }
        return new SQSBatchResponse(failures);
    }

    private void backoff(SQSEvent.SQSMessage message, int delivery, Log log) {
        if (message.getReceiptHandle() == null) {
            return;
        }
        long seconds = Math.min(900, (long) backoffSeconds << Math.min(10, Math.max(0, delivery - 1)));
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.getReceiptHandle())
                    .visibilityTimeout((int) seconds));
        } catch (RuntimeException e) {
            // The queue's own visibility timeout applies instead.
            log.warn("request_fulfilment_backoff_failed", "messageId", message.getMessageId());
        }
    }

    static int receiveCount(SQSEvent.SQSMessage message) {
        String count = message.getAttributes() == null ? null : message.getAttributes().get("ApproximateReceiveCount");
        try {
            return count == null ? 1 : Integer.parseInt(count);
        } catch (NumberFormatException e) {
            return 1;
        }
    }
}
