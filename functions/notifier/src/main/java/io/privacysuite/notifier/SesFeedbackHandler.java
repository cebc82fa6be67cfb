package io.privacysuite.notifier;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.SNSEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.SesFeedback;
import java.time.Clock;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * SES bounce and complaint notifications (published by SES to an SNS topic): hard bounces and complaints go on
 * the suppression list. A malformed notification fails the invocation so SNS retries it.
 */
public final class SesFeedbackHandler implements RequestHandler<SNSEvent, String> {
    private final EmailPreferences preferences;
    private final Clock clock;

    public SesFeedbackHandler() {
        this(Env.system());
    }

    public SesFeedbackHandler(Env env) {
        this(new DynamoDbEmailPreferences(new AwsClients(env).build(DynamoDbClient.builder(), "DYNAMODB"),
                env.require("EMAIL_PREFERENCES_TABLE"), RetentionPolicy.from(env)), Clock.systemUTC());
    }

    public SesFeedbackHandler(EmailPreferences preferences, Clock clock) {
        this.preferences = preferences;
        this.clock = clock;
    }

    @Override
    public String handleRequest(SNSEvent event, Context context) {
        Log log = Log.of(context);
        int suppressed = 0;
        for (SNSEvent.SNSRecord record : event.getRecords()) {
            try {
                for (SesFeedback.Suppression s : SesFeedback.suppressionsIn(Json.read(record.getSNS().getMessage()))) {
                    String hash = EmailAddresses.hash(s.address());
                    preferences.suppress(hash, s.reason(), "ses_notification", clock.instant());
                    log.info("address_suppressed", "addressHash", hash, "reason", s.reason());
                    suppressed++;
                }
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("SES notification is not JSON", e);
            }
        }
        return "suppressed=" + suppressed;
    }
}
