package io.privacysuite.fulfilment;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ConsoleActions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * Operator action from the Lambda console ({@code events/request-processor/data-map-audience.json}):
 * {@code dataMapAudience {"sources": [...], "campaign": "..."}} writes the addresses the named data map sources hold
 * to an audience CSV for {@code notifyAffected} and {@code publishPolicy} (see {@link DataMapAudience}). It runs from
 * the request processor's artifact, so it reads the same bundled data map; placeholders its environment does not
 * set (webhook URLs and secrets it never uses) resolve to a value it refuses to read.
 */
public final class DataMapAudienceHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ConsoleActions actions;

    public DataMapAudienceHandler() {
        this(Env.system());
    }

    public DataMapAudienceHandler(Env env) {
        this(env, new AwsClients(env), Clock.systemUTC());
    }

    private DataMapAudienceHandler(Env env, AwsClients aws, Clock clock) {
        DataMap map = DataMap.load(withUnsetPlaceholders(env));
        DataMapAudience audience = new DataMapAudience(map, aws.build(DynamoDbClient.builder(), "DYNAMODB"),
                aws.build(S3Client.builder().forcePathStyle(aws.endpointFor("S3").isPresent()), "S3"),
                env.require("EXPORTS_BUCKET"));
        this.actions = new ConsoleActions("data_map_audience")
                .on("dataMapAudience", input -> audience.build(names(input.path("sources")),
                        input.path("campaign").asText(""), clock.instant()));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return actions.handle(event, context);
    }

    static Env withUnsetPlaceholders(Env env) {
        Map<String, String> unset = new TreeMap<>();
        for (String name : DataMap.variables(DataMap.text(env))) {
            if (env.find(name).isEmpty()) {
                unset.put(name, DataMapAudience.UNSET);
            }
        }
        return env.with(unset);
    }

    private static List<String> names(JsonNode sources) {
        if (!sources.isArray()) {
            throw new IllegalArgumentException("sources must be a list of data map source ids");
        }
        List<String> names = new ArrayList<>();
        sources.forEach(s -> names.add(s.asText("")));
        return names;
    }
}
