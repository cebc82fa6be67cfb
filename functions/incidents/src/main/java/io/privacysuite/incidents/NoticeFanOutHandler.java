package io.privacysuite.incidents;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.sqs.SqsBatch;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.NoticeCampaign;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Consumes the notice fan-out queue: one page of a campaign per message ({@link NoticeFanOut}). A page that fails is
 * retried by SQS and, after the queue's receives, lands in the DLQ (alarmed); redriving it resumes the campaign where
 * it stopped. {@code NOTICE_SEND_RATE_PER_SECOND} (default 10) and {@code NOTICE_PAGE_SIZE} (100) set the pace.
 */
public final class NoticeFanOutHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final NoticeFanOut fanOut;
    private final Metrics metrics;

    public NoticeFanOutHandler() {
        this(Env.system());
    }

    public NoticeFanOutHandler(Env env) {
        this(fanOutFrom(env, Clock.systemUTC()), Metrics.from(env));
    }

    public NoticeFanOutHandler(NoticeFanOut fanOut, Metrics metrics) {
        this.fanOut = fanOut;
        this.metrics = metrics;
    }

    public static NoticeFanOut fanOutFrom(Env env, Clock clock) {
        AwsClients aws = new AwsClients(env);
        SqsClient sqs = aws.build(SqsClient.builder(), "SQS");
        return new NoticeFanOut(audiencesFrom(env, aws),
                new SqsNotificationSender(sqs, env.require("NOTIFICATIONS_QUEUE_URL")),
                new SqsPageQueue(sqs, env.require("NOTICE_FANOUT_QUEUE_URL")),
                new DynamoDbEmailPreferences(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                        env.require("EMAIL_PREFERENCES_TABLE"), RetentionPolicy.from(env)),
                env.getInt("NOTICE_PAGE_SIZE", 100), Double.parseDouble(env.get("NOTICE_SEND_RATE_PER_SECOND", "10")),
                clock);
    }

    static StoredAudiences audiencesFrom(Env env, AwsClients aws) {
        return new StoredAudiences(aws.build(S3Client.builder().forcePathStyle(aws.endpointFor("S3").isPresent()), "S3"),
                env.require("EXPORTS_BUCKET"), new DynamoDbAccountContacts(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                        env.require("ACCOUNTS_TABLE"), Clock.systemUTC()));
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Log log = Log.of(context);
        int[] queued = {0};
        SQSBatchResponse response = SqsBatch.process(event, message -> {
            NoticeCampaign page;
            try {
                page = Json.MAPPER.readValue(message.getBody(), NoticeCampaign.class);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                // Only the suite writes this queue; a message it cannot read is kept for operators (DLQ).
                log.warn("notice_page_unreadable", "messageId", message.getMessageId());
                return SqsBatch.Result.RETRY;
            }
            NoticeFanOut.Result result = fanOut.process(page);
            queued[0] += result.queued();
            log.info("notice_page", "campaign", page.campaign(), "page", page.pageId(), "queued", result.queued(),
                    "invalid", result.invalid(), "duplicate", result.duplicate(), "last", result.last());
            return SqsBatch.Result.DONE;
        }, (message, e) -> log.error("notice_page_failed", e, "messageId", message.getMessageId()));
        metrics.emit(Map.of(Metrics.Name.NoticesQueued, queued[0]));
        return response;
    }
}
