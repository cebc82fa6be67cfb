package io.privacysuite.consent.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.consent.DynamoDbPolicyVersions;
import io.privacysuite.consent.DynamoDbSiteRegistry;
import io.privacysuite.consent.SiteDayBackfill;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ConsoleActions;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secrets;
import java.time.Clock;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * Operator actions, invoked from the Lambda console with the test events in {@code events/consent-admin/}:
 * {@code registerSite}, {@code exportConsents}, {@code verifyRecords}, {@code publishPolicy} (a privacy-policy version,
 * with its notice to an audience), {@code backfillSiteDayShards} (an upgrade's one-off: shard keys for older consents).
 * Answers are JSON objects; a refused
 * action answers {@code {"error": {...}}} rather than failing the invocation, so the console shows why.
 */
public final class ConsentAdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ConsoleActions actions;

    public ConsentAdminHandler() {
        this(Env.system());
    }

    public ConsentAdminHandler(Env env) {
        this(adminFrom(env), publisherFrom(env), backfillFrom(env));
    }

    public ConsentAdminHandler(ConsentAdmin admin, PolicyPublisher policies, SiteDayBackfill backfill) {
        ShardBackfillAction shardBackfill = new ShardBackfillAction(backfill);
        this.actions = new ConsoleActions("admin_action")
                .on("registerSite", input -> admin.registerSite(input.path("site")))
                .on("exportConsents", input -> admin.exportConsents(input))
                .on("verifyRecords", input -> admin.verifyRecords(input.path("jsonl").asText("")))
                .on("publishPolicy", policies::publish)
                .on("backfillSiteDayShards", shardBackfill::run);
    }

    static SiteDayBackfill backfillFrom(Env env) {
        return new SiteDayBackfill(new AwsClients(env).build(DynamoDbClient.builder(), "DYNAMODB"),
                env.require("CONSENTS_TABLE"), ConsentsTable.shards(env));
    }

    static ConsentAdmin adminFrom(Env env) {
        AwsClients aws = new AwsClients(env);
        DynamoDbClient dynamo = aws.build(DynamoDbClient.builder(), "DYNAMODB");
        Clock clock = Clock.systemUTC();
        return new ConsentAdmin(new DynamoDbSiteRegistry(dynamo, env.require("SITES_TABLE"), RetentionPolicy.from(env), clock),
                new DynamoDbConsentStore(dynamo, env.require("CONSENTS_TABLE"), ConsentsTable.shards(env)), new ConsentSigner(Secrets.from(env, aws).secret(Secrets.CONSENT_SIGNING)), clock);
    }

    static PolicyPublisher publisherFrom(Env env) {
        AwsClients aws = new AwsClients(env);
        SqsClient sqs = aws.build(SqsClient.builder(), "SQS");
        String queue = env.require("NOTICE_FANOUT_QUEUE_URL");
        return new PolicyPublisher(new DynamoDbPolicyVersions(aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                env.require("POLICY_VERSIONS_TABLE"), 0),
                page -> sqs.sendMessage(r -> r.queueUrl(queue).messageBody(Json.write(page))), Clock.systemUTC());
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return actions.handle(event, context);
    }
}
