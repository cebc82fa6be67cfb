package io.privacysuite.fulfilment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.consent.Site;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.LegalHoldStore;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secrets;
import io.privacysuite.core.sqs.SqsBatch;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.SqsOutbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Consumes the request processing queue: one verified request per message, fulfilled by {@link FulfilmentService}.
 * A message whose sources failed is reported as a batch item failure and made visible again after an exponential
 * backoff ({@code RETRY_BACKOFF_SECONDS} x 2^(delivery-1), capped at 15 minutes); after {@code MAX_RECEIVES}
 * deliveries (the queue's maxReceiveCount) the request is escalated and the message goes to the DLQ. A duplicate
 * delivery that finds another one processing the request (its lease) comes back after the same backoff, at most
 * when that lease ends; it uses up one of the queue's receives. On the last one it queues a fresh message for when
 * that lease ends and is done ({@link FulfilmentService.Result#REQUEUED}).
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

    /** The service as the handler builds it (also used by the export benchmark and tests with another clock). */
    public static FulfilmentService serviceFrom(Env env, AwsClients aws, Clock clock) {
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        RetentionPolicy retention = RetentionPolicy.from(env);
        ZoneId zone = ZoneId.of(env.get("LEGAL_TIME_ZONE", "Europe/Brussels"));
        DataMap map = DataMap.load(env);
        Duration webhookBackoff = Duration.ofMillis(env.getInt("WEBHOOK_BACKOFF_MILLIS", 250));
        SiteRegistry sites = new DynamoDbSiteRegistry(dynamo, env.require("SITES_TABLE"), retention, clock);
        List<Connector> connectors = new ArrayList<>();
        for (DataMap.Source source : map.sources()) {
            connectors.add(switch (source.kind()) {
                case DYNAMODB -> new DynamoDbConnector(source, dynamo, zone);
                case WEBHOOK -> new WebhookConnector(source, clock, webhookBackoff);
                case SUITE -> new SuiteConnector(source, dynamo, env.require(switch (source.dataset()) {
                    case CONSENTS -> "CONSENTS_TABLE";
                    case EMAIL_PREFERENCES -> "EMAIL_PREFERENCES_TABLE";
                    case REQUESTS -> "REQUESTS_TABLE";
                }), zone, siteId -> sites.find(siteId).map(Site::accountId));
            });
        }
        ExportStore exports = new S3ExportStore(S3ExportStore.client(aws), env.require("EXPORTS_BUCKET"),
                Duration.ofDays(env.getInt("EXPORT_LINK_DAYS", 7)));
        LegalHoldStore holds = new LegalHoldStore(dynamo, env.require("LEGAL_HOLDS_TABLE"));
        FulfilmentService.Stores stores = new FulfilmentService.Stores(
                new DynamoDbRequestStore(dynamo, env.require("REQUESTS_TABLE"), retention), exports,
                new DynamoDbEmailPreferences(dynamo, env.require("EMAIL_PREFERENCES_TABLE"), retention), holds::activeIndex);
        return new FulfilmentService(stores, connectors, new SqsOutbox(aws.build(SqsClient.builder(), "SQS"),
                env.require("NOTIFICATIONS_QUEUE_URL"), env.require("PROCESSING_QUEUE_URL")), Metrics.from(env),
                new FulfilmentService.Settings(env.require("OPERATOR_EMAIL"), env.get("PUBLIC_BASE_URL", "http://localhost:3000"),
                        env.getInt("MAX_RECEIVES", 5), zone, Secrets.from(env, aws).secret(Secrets.DOWNLOAD_LINK)),
                clock);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Log log = Log.of(context);
        return SqsBatch.process(event, message -> deliver(message, context, log),
                (message, e) -> log.error("request_fulfilment_failed", e, "messageId", message.getMessageId()));
    }

    /** One message: retried (with a backoff) unless the request was completed, routed, skipped. */
    private SqsBatch.Result deliver(SQSEvent.SQSMessage message, Context context, Log log) {
        int delivery = SqsBatch.receiveCount(message);
        String requestId = "-";
        try {
            ProcessingMessage m = Json.MAPPER.readValue(message.getBody(), ProcessingMessage.class);
            requestId = m.requestId();
            FulfilmentService.Outcome outcome = service.process(m, delivery, leaseOwner(context, message),
                    leaseFor(context));
            FulfilmentService.Result result = outcome.result();
            log.info("request_fulfilment", "requestId", requestId, "type", m.type(), "result", result,
                    "delivery", delivery);
            switch (result) {
                case BUSY -> {
                    // Another delivery of this request is running: come back when it should be done.
                    long untilLeaseEnds = Math.max(1, Duration.between(Instant.now(), outcome.leaseUntil()).toSeconds());
                    setVisibility(message, Math.max(1, Math.min(untilLeaseEnds, backoffSeconds(delivery))), log);
                }
                // ESCALATED fails once more: this was the last delivery, so SQS moves it to the DLQ on the next receive.
                case RETRY, ESCALATED -> backoff(message, delivery, log);
                default -> {
                    return SqsBatch.Result.DONE;
                }
            }
            return SqsBatch.Result.RETRY;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            log.warn("request_fulfilment_malformed", "messageId", message.getMessageId(), "delivery", delivery);
            return SqsBatch.Result.RETRY;
        } catch (RuntimeException e) {
            log.error("request_fulfilment_failed", e, "requestId", requestId, "messageId", message.getMessageId(),
                    "delivery", delivery);
            backoff(message, delivery, log);
            return SqsBatch.Result.RETRY;
        }
    }

    /** The lease lasts what is left of this invocation (Lambda stops it then), plus a margin. */
    static Duration leaseFor(Context context) {
        long remaining = context == null ? 150_000 : Math.max(1_000, context.getRemainingTimeInMillis());
        return Duration.ofMillis(remaining).plusSeconds(30);
    }

    static String leaseOwner(Context context, SQSEvent.SQSMessage message) {
        String invocation = context == null || context.getAwsRequestId() == null ? UUID.randomUUID().toString()
                : context.getAwsRequestId();
        return invocation + "/" + message.getMessageId();
    }

    private long backoffSeconds(int delivery) {
        return Math.min(900, (long) backoffSeconds << Math.min(10, Math.max(0, delivery - 1)));
    }

    private void backoff(SQSEvent.SQSMessage message, int delivery, Log log) {
        setVisibility(message, backoffSeconds(delivery), log);
    }

    private void setVisibility(SQSEvent.SQSMessage message, long seconds, Log log) {
        if (message.getReceiptHandle() == null) {
            return;
        }
        try {
            sqs.changeMessageVisibility(r -> r.queueUrl(queueUrl).receiptHandle(message.getReceiptHandle())
                    .visibilityTimeout((int) seconds));
        } catch (RuntimeException e) {
            // The queue's own visibility timeout applies instead.
            log.warn("request_fulfilment_backoff_failed", "messageId", message.getMessageId());
        }
    }
}
