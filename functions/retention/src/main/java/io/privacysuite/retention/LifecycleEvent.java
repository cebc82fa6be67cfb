package io.privacysuite.retention;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.Json;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * A message from the company's account systems:
 * {@code {"type":"cancelled","accountId":"acme","occurredAt":"2026-05-10T12:00:00Z"}}. Types: {@code created},
 * {@code updated} (name, billingLast4, email: the contact address for notices), {@code invoiceIssued} (invoice: number, amountCents, currency),
 * {@code cancelled}, {@code reactivated}.
 */
public record LifecycleEvent(Type type, String accountId, Instant occurredAt, JsonNode body) {

    public enum Type { CREATED, UPDATED, INVOICE_ISSUED, CANCELLED, REACTIVATED;

        static Type fromWire(String wire) {
            return switch (wire) {
                case "created" -> CREATED;
                case "updated" -> UPDATED;
                case "invoiceIssued" -> INVOICE_ISSUED;
                case "cancelled" -> CANCELLED;
                case "reactivated" -> REACTIVATED;
                default -> throw new IllegalArgumentException(
                        "type must be created, updated, invoiceIssued, cancelled or reactivated");
            };
        }
    }

    /** Parses and validates; the message text never appears in the error (it may hold personal data). */
    public static LifecycleEvent parse(String json) {
        JsonNode node;
        try {
            node = Json.read(json);
        } catch (Exception e) {
            throw new IllegalArgumentException("message is not JSON");
        }
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("message must be a JSON object");
        }
        Type type = Type.fromWire(node.path("type").asText(""));
        String accountId = node.path("accountId").asText("");
        AccountStore.requireId(accountId);
        Instant occurredAt;
        try {
            occurredAt = Instant.parse(node.path("occurredAt").asText(""));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("occurredAt must be an ISO-8601 instant such as 2026-05-10T12:00:00Z");
        }
        return new LifecycleEvent(type, accountId, occurredAt, node);
    }

    String wireType() {
        return type.name().toLowerCase(Locale.ROOT);
    }
}
