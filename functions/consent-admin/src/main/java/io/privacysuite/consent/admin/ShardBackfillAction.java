package io.privacysuite.consent.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.SiteDayBackfill;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.errors.FieldErrors;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The {@code backfillSiteDayShards} console action: one bounded run of {@link SiteDayBackfill}, answering how far it
 * got and a {@code nextToken} to run it again with until {@code done}. Safe to repeat from any token.
 */
final class ShardBackfillAction {
    static final int DEFAULT_ITEMS = 20_000;
    static final int MAX_ITEMS = 200_000;
    static final int MAX_SEGMENTS = 64;
    private static final int MAX_KEY = 2048;

    private final SiteDayBackfill backfill;

    ShardBackfillAction(SiteDayBackfill backfill) {
        this.backfill = backfill;
    }

    ObjectNode run(JsonNode input) {
        FieldErrors errors = new FieldErrors();
        int maxItems = whole(input, "maxItems", DEFAULT_ITEMS, 1, MAX_ITEMS, errors);
        int total = whole(input, "totalSegments", 1, 1, MAX_SEGMENTS, errors);
        int segment = whole(input, "segment", 0, 0, Math.max(total, 1) - 1, errors);
        if (input.has("nextToken") && !input.get("nextToken").isTextual()) {
            errors.add("nextToken", "the nextToken of the previous run, as it was");
        }
        errors.throwIfAny();
        Map<String, AttributeValue> start = input.hasNonNull("nextToken") ? decode(input.get("nextToken").asText()) : null;
        SiteDayBackfill.Outcome outcome = backfill.run(new SiteDayBackfill.Run(start, segment, total, maxItems));
        ObjectNode out = Json.object();
        out.put("scanned", outcome.scanned());
        out.put("updated", outcome.updated());
        out.put("gone", outcome.gone());
        out.put("done", outcome.next() == null);
        if (outcome.next() != null) {
            out.put("nextToken", encode(outcome.next()));
        }
        return out;
    }

    /** An optional whole number between min and max (absent: the fallback). */
    private static int whole(JsonNode input, String name, int fallback, int min, int max, FieldErrors errors) {
        JsonNode value = input.get(name);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber() || value.asInt() < min || value.asInt() > max) {
            errors.add(name, "a whole number from " + min + " to " + max);
            return fallback;
        }
        return value.asInt();
    }

    static String encode(Map<String, AttributeValue> key) {
        ObjectNode node = Json.object();
        node.put(ConsentsTable.PK, key.get(ConsentsTable.PK).s());
        node.put(ConsentsTable.SK, key.get(ConsentsTable.SK).s());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(node).getBytes(StandardCharsets.UTF_8));
    }

    /** A Scan position of the consents table: its two string keys, nothing else. */
    static Map<String, AttributeValue> decode(String token) {
        try {
            JsonNode node = Json.read(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
            Map<String, AttributeValue> key = new LinkedHashMap<>();
            for (String name : new String[] {ConsentsTable.PK, ConsentsTable.SK}) {
                JsonNode value = node.path(name);
                if (!value.isTextual() || value.asText().isEmpty() || value.asText().length() > MAX_KEY) {
                    throw DomainException.badRequest("nextToken is not valid.");
                }
                key.put(name, AttributeValue.fromS(value.asText()));
            }
            if (node.size() != 2) {
                throw DomainException.badRequest("nextToken is not valid.");
            }
            return key;
        } catch (DomainException e) {
            throw e;
        } catch (Exception e) {
            throw DomainException.badRequest("nextToken is not valid.");
        }
    }
}
