package io.privacysuite.local.runtime;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import io.privacysuite.local.events.DynamodbEvents;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Type;
import org.joda.time.DateTime;
import org.joda.time.DateTimeZone;

/**
 * Converts event JSON (console test events, {@code events/*.json}) to a handler's input type and handler output to
 * JSON, the way the Lambda Java runtime does: event classes of aws-lambda-java-events are plain beans whose JSON names
 * differ only in case (Records/records), except DynamodbEvent (hand-converted) and ScheduledEvent ("detail-type").
 */
public final class LambdaJson {
    public static final ObjectMapper MAPPER = JsonMapper.builder()
            // As core Json: an event with a key given twice is refused, not read as whichever came last.
            .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(MapperFeature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .serializationInclusion(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
            .addModule(new SimpleModule("lambda-events")
                    .addSerializer(DateTime.class, new JodaSerializer())
                    .addDeserializer(DateTime.class, new JodaDeserializer())
                    .setMixInAnnotation(ScheduledEvent.class, ScheduledEventMixin.class))
            .build();

    private LambdaJson() {}

    /** {@code event} as the handler's input type: passed through if it already is one, else converted via JSON. */
    public static Object toInput(Object event, Type inputType) {
        JavaType type = MAPPER.getTypeFactory().constructType(inputType);
        Class<?> raw = type.getRawClass();
        if (event != null && raw != Object.class && raw.isInstance(event)) {
            return event;
        }
        JsonNode json = toTree(event);
        if (raw == DynamodbEvent.class) {
            return DynamodbEvents.fromJson(json);
        }
        if (raw == String.class) {
            return json.isTextual() ? json.asText() : json.toString();
        }
        try {
            return MAPPER.convertValue(json, type);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("event does not fit the handler input " + type + ": " + e.getMessage(), e);
        }
    }

    /** Any event as JSON: a String is parsed as JSON, other objects are serialized. */
    public static JsonNode toTree(Object event) {
        if (event instanceof JsonNode node) {
            return node;
        }
        if (event instanceof String text) {
            try {
                return MAPPER.readTree(text);
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("event is not JSON: " + e.getOriginalMessage(), e);
            }
        }
        if (event instanceof DynamodbEvent dynamodbEvent) {
            return DynamodbEvents.toJson(dynamodbEvent);
        }
        return MAPPER.valueToTree(event);
    }

    public static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    abstract static class ScheduledEventMixin {
        @JsonProperty("detail-type")
        abstract String getDetailType();

        @JsonProperty("detail-type")
        abstract void setDetailType(String detailType);
    }

    static final class JodaSerializer extends JsonSerializer<DateTime> {
        @Override
        public void serialize(DateTime value, JsonGenerator gen, SerializerProvider serializers) throws IOException {
            gen.writeString(value.withZone(DateTimeZone.UTC).toString());
        }
    }

    static final class JodaDeserializer extends JsonDeserializer<DateTime> {
        @Override
        public DateTime deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() == JsonToken.VALUE_NUMBER_INT) {
                return new DateTime(p.getLongValue(), DateTimeZone.UTC);
            }
            return new DateTime(p.getValueAsString(), DateTimeZone.UTC);
        }
    }
}
