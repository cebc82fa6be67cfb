package io.privacysuite.retention;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.http.ConsoleActions;
import io.privacysuite.core.retention.LegalHold;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * Operator actions from the Lambda console (test events in {@code events/retention/admin-*.json}): {@code expiringReport},
 * {@code receiptsReport}, {@code placeLegalHold}, {@code releaseLegalHold}, {@code listLegalHolds},
 * {@code accountStatus}. A refused action answers {@code {"error": {...}}} so the console shows why.
 */
public final class RetentionAdminHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final RetentionServices services;
    private final ConsoleActions actions;

    public RetentionAdminHandler() {
        this(Env.system());
    }

    public RetentionAdminHandler(Env env) {
        this(RetentionServices.from(env));
    }

    public RetentionAdminHandler(RetentionServices services) {
        this.services = services;
        this.actions = new ConsoleActions("retention_admin")
                .on("expiringReport", input -> services.report().expiring(input.path("days").asInt(30),
                        services.clock().instant()))
                .on("receiptsReport", input -> services.report().receipts(date(input, "from"), date(input, "to"),
                        input.path("limit").asInt(100)))
                .on("placeLegalHold", this::placeHold)
                .on("releaseLegalHold", this::releaseHold)
                .on("listLegalHolds", input -> listHolds())
                .on("accountStatus", input -> accountStatus(input.path("accountId").asText("")));
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        return actions.handle(event, context);
    }

    private ObjectNode placeHold(JsonNode input) {
        LegalHold.Scope scope;
        try {
            scope = LegalHold.Scope.fromWire(input.path("scope").asText(""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("scope must be account or subject");
        }
        HoldService.Placed placed = services.holds().place(scope, input.path("scopeId").asText(""),
                input.path("reason").asText(""), input.path("placedBy").asText(""));
        ObjectNode out = holdJson(placed.hold());
        out.put("parkedItems", placed.parked());
        return out;
    }

    private ObjectNode releaseHold(JsonNode input) {
        HoldService.Released released = services.holds().release(input.path("holdId").asText(""),
                input.path("releasedBy").asText(""), input.path("reason").asText(""));
        ObjectNode out = holdJson(released.hold());
        out.put("alreadyReleased", !released.changed());
        out.put("resumedItems", released.resumed());
        out.put("stillHeldByOtherHolds", released.stillHeld());
        return out;
    }

    private ObjectNode listHolds() {
        ObjectNode out = Json.object();
        ArrayNode holds = out.putArray("holds");
        services.holds().list().forEach(h -> holds.add(holdJson(h)));
        return out;
    }

    private ObjectNode accountStatus(String accountId) {
        AccountStore.requireId(accountId);
        ObjectNode out = Json.object();
        out.put("accountId", accountId);
        services.accounts().find(accountId, services.clock().instant()).ifPresentOrElse(a -> {
            out.put("status", a.status());
            out.put("cancelledAt", a.cancelledAt() == null ? null : a.cancelledAt().toString());
            out.put("erasureAt", a.expiresAt() == null ? null : a.expiresAt().toString());
            out.put("billingLast4", a.billingLast4());
        }, () -> out.put("status", "none"));
        return out;
    }

    static ObjectNode holdJson(LegalHold h) {
        ObjectNode node = Json.object();
        node.put("holdId", h.holdId());
        node.put("scope", h.scope().wire());
        node.put("scopeId", h.scopeId());
        node.put("status", h.isActive() ? "active" : "released");
        node.put("reason", h.reason());
        node.put("placedBy", h.placedBy());
        node.put("placedAt", h.placedAt().toString());
        if (!h.isActive()) {
            node.put("releasedBy", h.releasedBy());
            node.put("releasedAt", h.releasedAt().toString());
            node.put("releaseReason", h.releaseReason());
        }
        return node;
    }

    private static LocalDate date(JsonNode input, String field) {
        try {
            return LocalDate.parse(input.path(field).asText(""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(field + " must be a date such as 2026-11-01");
        }
    }
}
