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
            return ConsentRecord.builder()
                    .consentId(node.required("consentId").asText())
                    .version(node.required("version").asInt())
                    .siteId(node.required("siteId").asText())
                    .siteGroup(node.required("siteGroup").asText())
                    .categories(new Categories(c.required("preferences").asBoolean(),
                            c.required("statistics").asBoolean(), c.required("marketing").asBoolean()))
                    .method(ConsentMethod.fromWire(node.required("method").asText()))
                    .bannerVersion(node.required("bannerVersion").asText())
                    .pageUrl(node.required("pageUrl").asText())
                    .tcString(textOrNull(node, "tcString"))
                    .ipAnonymized(textOrNull(node, "ipAnonymized"))
                    .gpc(node.required("gpc").asBoolean())
                    .recordedAt(Instant.parse(node.required("recordedAt").asText()))
                    .validUntil(Instant.parse(node.required("validUntil").asText()))
                    .expiresAt(Instant.parse(node.required("expiresAt").asText()))
                    .key(node.required("key").asText())
                    .build();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a consent proof record: " + e.getClass().getSimpleName(), e);
        }
    }

    private static String textOrNull(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
