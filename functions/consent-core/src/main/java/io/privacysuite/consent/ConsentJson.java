package io.privacysuite.consent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.privacysuite.core.Json;
import java.time.Instant;

/**
 * The JSON form of a consent version, shared by the API, the operator export and the auditor's check, so
 * an exported line can be turned back into exactly the record its key signs.
 */
public final class ConsentJson {
    private ConsentJson() {}

    /** {@code proof} adds what an auditor needs: page, anonymized IP, TCF string, the key. */
    public static ObjectNode toJson(ConsentRecord r, boolean proof) {
        ObjectNode node = Json.object();
        node.put("consentId", r.consentId());
        node.put("version", r.version());
        node.put("siteId", r.siteId());
        node.put("siteGroup", r.siteGroup());
        node.put("method", r.method().wire());
        ObjectNode categories = node.putObject("categories");
        categories.put("necessary", true);
        categories.put("preferences", r.categories().preferences());
        categories.put("statistics", r.categories().statistics());
        categories.put("marketing", r.categories().marketing());
        node.put("bannerVersion", r.bannerVersion());
        node.put("gpc", r.gpc());
        node.put("recordedAt", r.recordedAt().toString());
        node.put("validUntil", r.validUntil().toString());
        node.put("expiresAt", r.expiresAt().toString());
        if (proof) {
            node.put("pageUrl", r.pageUrl());
            node.put("ipAnonymized", r.ipAnonymized());
            node.put("tcString", r.tcString());
            node.put("key", r.key());
        }
        return node;
    }

    /** Reads a proof line back (fields missing or malformed throw IllegalArgumentException). */
    public static ConsentRecord fromJson(JsonNode node) {
        try {
            JsonNode c = node.required("categories");
            return new ConsentRecord(
                    node.required("consentId").asText(),
                    node.required("version").asInt(),
                    node.required("siteId").asText(),
                    node.required("siteGroup").asText(),
                    new Categories(c.required("preferences").asBoolean(), c.required("statistics").asBoolean(),
                            c.required("marketing").asBoolean()),
                    ConsentMethod.fromWire(node.required("method").asText()),
                    node.required("bannerVersion").asText(),
                    node.required("pageUrl").asText(),
                    textOrNull(node, "tcString"),
                    textOrNull(node, "ipAnonymized"),
                    node.required("gpc").asBoolean(),
                    Instant.parse(node.required("recordedAt").asText()),
                    Instant.parse(node.required("validUntil").asText()),
                    Instant.parse(node.required("expiresAt").asText()),
                    null,
                    node.required("key").asText(),
                    null,
                    null);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a consent proof record: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
