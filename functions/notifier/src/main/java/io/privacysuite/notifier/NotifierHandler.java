package io.privacysuite.notifier;

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
import io.privacysuite.notify.Notification;
import io.privacysuite.notify.UnsubscribeLinks;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.ses.SesClient;

/**
 * Consumes the notifications queue. Each message is sent or skipped (suppressed / opted out / already sent)
 * independently. A message that can never be sent is recorded as failed once (operators list them with the requests
 * operator's {@code failedNotifications}; a {@code NotificationsUndeliverable} metric counts them) and acknowledged;
 * only transient failures are reported, so SQS retries just those and moves what keeps failing to the DLQ after the
 * queue's {@code maxReceiveCount}.
 */
public final class NotifierHandler implements RequestHandler<SQSEvent, SQSBatchResponse> {
    private final NotifierService service;
    private final Metrics metrics;

    public NotifierHandler() {
        this(Env.system());
    }

    public NotifierHandler(Env env) {
        this(serviceFrom(env), Metrics.from(env));
    }

    public NotifierHandler(NotifierService service, Metrics metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    static NotifierService serviceFrom(Env env) {
        AwsClients aws = new AwsClients(env);
        Clock clock = Clock.systemUTC();
        return new NotifierService(
                new DynamoDbEmailPreferences(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                        env.require("EMAIL_PREFERENCES_TABLE"), RetentionPolicy.from(env)),
                new TemplateRenderer(),
                new MimeMessages(env.require("SENDER_EMAIL")),
                UnsubscribeLinks.from(io.privacysuite.core.secrets.Secrets.from(env, aws), env),
                aws.build(SesClient.builder(), "SES"),
                env.find("SES_CONFIGURATION_SET").orElse(null),
                clock);
    }

    @Override
    public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
        Log log = Log.of(context);
        int[] sent = {0};
        int[] suppressed = {0};
        int[] undeliverable = {0};
        int[] notices = {0, 0, 0};
        SQSBatchResponse response = SqsBatch.process(event, message -> {
            String ref = "";
            Notification n = null;
            try {
                n = Json.MAPPER.readValue(message.getBody(), Notification.class);
                ref = n.ref() == null ? "" : n.ref();
                NotifierService.Outcome outcome = service.send(n);
                (outcome == NotifierService.Outcome.SENT ? sent : suppressed)[0]++;
                if (n.campaign() != null && outcome == NotifierService.Outcome.SENT) {
                    notices[0]++;
                } else if (n.campaign() != null && outcome == NotifierService.Outcome.SUPPRESSED) {
                    notices[1]++;
                }
                log.info("notification_" + outcome.name().toLowerCase(java.util.Locale.ROOT), "id", n.id(),
                        "template", n.template(), "ref", ref, "messageId", message.getMessageId());
                return SqsBatch.Result.DONE;
            } catch (NotifierService.InvalidNotificationException | com.fasterxml.jackson.core.JsonProcessingException e) {
                String reason = e instanceof NotifierService.InvalidNotificationException ? e.getMessage() : "not JSON";
                String id = n == null || n.id() == null || n.id().length() > 200 ? "message:" + message.getMessageId()
                        : n.id();
                boolean first = service.fail(id, n == null ? null : n.template(), ref, reason);
                log.error("notification_undeliverable", null, "messageId", message.getMessageId(), "ref", ref,
                        "reason", reason.replace(' ', '_'), "firstTime", first);
                undeliverable[0] += first ? 1 : 0;
                if (first && n != null && NotifierService.isCampaignId(n.campaign())) {
                    service.countFailed(n.campaign());
                    notices[2]++;
                }
                return SqsBatch.Result.DONE;
            } catch (NotifierService.SendInProgressException e) {
                log.info("notification_in_progress", "messageId", message.getMessageId(), "ref", ref);
                return SqsBatch.Result.RETRY;
            } catch (RuntimeException e) {
                log.error("notification_failed", e, "messageId", message.getMessageId(), "ref", ref,
                        "receiveCount", SqsBatch.attribute(message, "ApproximateReceiveCount").orElse("?"));
                return SqsBatch.Result.RETRY;
            }
        }, (message, e) -> log.error("notification_failed", e, "messageId", message.getMessageId()));
        java.util.Map<Metrics.Name, Integer> counts = new java.util.LinkedHashMap<>();
        counts.put(Metrics.Name.EmailsSent, sent[0]);
        counts.put(Metrics.Name.EmailsSuppressed, suppressed[0]);
        counts.put(Metrics.Name.EmailsFailed, response.getBatchItemFailures().size());
        counts.put(Metrics.Name.NotificationsUndeliverable, undeliverable[0]);
        if (notices[0] + notices[1] + notices[2] > 0) {
            counts.put(Metrics.Name.NoticesSent, notices[0]);
            counts.put(Metrics.Name.NoticesSuppressed, notices[1]);
            counts.put(Metrics.Name.NoticesFailed, notices[2]);
        }
        metrics.emit(counts);
        return response;
    }
}
