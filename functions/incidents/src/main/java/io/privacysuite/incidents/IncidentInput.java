package io.privacysuite.incidents;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.core.errors.FieldErrors;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an operator's console input, collecting every field error ({@link FieldErrors}). Text may hold line breaks
 * and tabs but no other control characters (the draft for the authority is plain text, the console output lands in
 * logs), and is bounded.
 */
final class IncidentInput {
    static final int MAX_TEXT = 4000;
    static final int MAX_SHORT = 200;
    static final int MAX_LIST = 30;

    private final JsonNode input;
    private final FieldErrors errors = new FieldErrors();

    IncidentInput(JsonNode input) {
        this.input = input;
    }

    FieldErrors errors() {
        return errors;
    }

    boolean has(String field) {
        return input.has(field) && !input.get(field).isNull();
    }

    String text(String field, int max, boolean required) {
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(field, "required");
            }
            return null;
        }
        if (!node.isTextual() || node.asText().isBlank()) {
            errors.add(field, "must be a non-empty string");
            return null;
        }
        String value = node.asText().strip();
        if (value.length() > max) {
            errors.add(field, "at most " + max + " characters");
            return null;
        }
        boolean multiLine = max > MAX_SHORT;
        if (value.chars().anyMatch(c -> Character.isISOControl(c) && !(multiLine && (c == '\n' || c == '\t')))
                || value.chars().anyMatch(c -> c == '\u2028' || c == '\u2029' || Character.getType(c) == Character.FORMAT)) {
            errors.add(field, multiLine ? "control characters other than line breaks and tabs are not allowed"
                    : "control characters are not allowed");
            return null;
        }
        return value;
    }

    List<String> list(String field, boolean required) {
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(field, "required: a list of categories");
            }
            return null;
        }
        if (!node.isArray() || node.isEmpty() || node.size() > MAX_LIST) {
            errors.add(field, "must be a list of 1.." + MAX_LIST + " categories");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (JsonNode item : node) {
            String value = item.isTextual() ? item.asText().strip() : "";
            if (value.isEmpty() || value.length() > 100 || value.chars().anyMatch(Character::isISOControl)) {
                errors.add(field, "each category: 1..100 printable characters");
                return null;
            }
            if (!out.contains(value)) {
                out.add(value);
            }
        }
        return out;
    }

    Long count(String field, boolean required) {
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(field, "required: an approximate number (0 if unknown yet)");
            }
            return null;
        }
        if (!node.canConvertToExactIntegral() || !node.canConvertToLong() || node.asLong() < 0
                || node.asLong() > 10_000_000_000L) {
            errors.add(field, "must be a whole number from 0 to 10000000000");
            return null;
        }
        return node.asLong();
    }

    Boolean flag(String field) {
        JsonNode node = input.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isBoolean()) {
            errors.add(field, "must be true or false");
            return null;
        }
        return node.asBoolean();
    }

    /** An ISO-8601 instant ({@code 2026-11-29T08:30:00Z}) not in the future. */
    Instant instant(String field, boolean required, Instant now) {
        String value = text(field, 40, required);
        if (value == null) {
            return null;
        }
        try {
            Instant at = Instant.parse(value);
            if (at.isAfter(now.plusSeconds(300))) {
                errors.add(field, "cannot be in the future");
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            errors.add(field, "must be an ISO-8601 instant such as 2026-11-29T08:30:00Z");
            return null;
        }
    }
}
