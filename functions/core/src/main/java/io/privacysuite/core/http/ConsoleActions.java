package io.privacysuite.core.http;

import com.amazonaws.services.lambda.runtime.Context;
import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import io.privacysuite.core.Log;
import io.privacysuite.core.errors.DomainException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The operator functions' entry: a console test event names an {@code action}; the answer is its result as a JSON
 * object, or {@code {"error": {...}}} when refused, so the console shows the reason beside the event.
 */
public final class ConsoleActions {
    private final String logName;
    private final Map<String, Function<JsonNode, Object>> actions = new LinkedHashMap<>();

    public ConsoleActions(String logName) {
        this.logName = logName;
    }

    public ConsoleActions on(String action, Function<JsonNode, Object> run) {
        actions.put(action, run);
        return this;
    }

    public Map<String, Object> handle(Map<String, Object> event, Context context) {
        Log log = Log.of(context);
        JsonNode input = Json.MAPPER.valueToTree(event == null ? Map.of() : event);
        String action = input.path("action").asText("");
        try {
            Function<JsonNode, Object> run = actions.get(action);
            if (run == null) {
                throw ApiException.badRequest("Unknown action '" + action + "': use "
                        + String.join(", ", actions.keySet()) + ".");
            }
            Object result = run.apply(input);
            log.info(logName + "_done", "action", action);
            return Json.MAPPER.convertValue(result, Json.MAPPER.getTypeFactory()
                    .constructMapType(LinkedHashMap.class, String.class, Object.class));
        } catch (ApiException | DomainException e) {
            ApiException refusal = ApiException.of(e);
            log.warn(logName + "_refused", "action", action, "code", refusal.code());
            return error(refusal);
        } catch (IllegalArgumentException e) {
            // Services say what is wrong with an operator's input this way; the message names fields, not data.
            log.warn(logName + "_refused", "action", action, "code", "bad_request");
            return error(ApiException.badRequest(e.getMessage()));
        }
    }

    /**
     * The answer of a console (operator) function that refused an action: {@code {"error": {...}}} rather than a
     * failed invocation, so the Lambda console shows the reason next to the test event. (Here, not beside the HTTP
     * responses: operator functions ship without the events library those are built of.)
     */
    public static Map<String, Object> error(ApiException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("status", e.status());
        error.put("code", e.code());
        error.put("message", e.getMessage());
        if (!e.fieldErrors().isEmpty()) {
            error.put("fields", e.fieldErrors());
        }
        return Map.of("error", error);
    }
}
