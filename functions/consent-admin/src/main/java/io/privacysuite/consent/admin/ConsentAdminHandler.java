package io.privacysuite.consent.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.ConsentSigner;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.SiteRegistry;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.aws.AwsClients;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiResponses;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Operator actions, invoked from the Lambda console with the test events in {@code events/consent-admin/}:
 * {@code registerSite}, {@code exportConsents}, {@code verifyRecords}. Answers are JSON objects; a refused
 * action answers {@code {"error": {...}}} rather than failing the invocation, so the console shows why.
 */
public final class ConsentAdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final ConsentAdmin admin;

    public ConsentAdminHandler() {
        this(Env.system());
    }

    public ConsentAdminHandler(Env env) {
        this(adminFrom(env));
    }

    public ConsentAdminHandler(ConsentAdmin admin) {
        this.admin = admin;
    }

    static ConsentAdmin adminFrom(Env env) {
        DynamoDbClient dynamo = new AwsClients(env).build(DynamoDbClient.builder(), "DYNAMODB");
        Clock clock = Clock.systemUTC();
        return new ConsentAdmin(new SiteRegistry(dynamo, env.require("SITES_TABLE"), clock),
                new ConsentStore(dynamo, env.require("CONSENTS_TABLE")), ConsentSigner.fromEnv(env), clock);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Log log = Log.of(context);
        JsonNode input = Json.MAPPER.valueToTree(event == null ? Map.of() : event);
        String action = input.path("action").asText("");
        try {
            Object result = switch (action) {
                case "registerSite" -> admin.registerSite(input.path("site"));
                case "exportConsents" -> admin.exportConsents(input);
                case "verifyRecords" -> admin.verifyRecords(input.path("jsonl").asText(""));
                default -> throw ApiException.badRequest(
                        "Unknown action '" + action + "': use registerSite, exportConsents or verifyRecords.");
            };
            log.info("admin_action_done", "action", action);
            return Json.MAPPER.convertValue(result, Json.MAPPER.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
        } catch (ApiException e) {
            log.warn("admin_action_refused", "action", action, "code", e.code());
            return ApiResponses.consoleError(e);
        }
    }
}
