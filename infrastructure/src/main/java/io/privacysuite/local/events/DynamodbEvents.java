package io.privacysuite.local.events;

import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.AttributeValue;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.Identity;
import com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamRecord;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.Record;

/**
 * DynamoDB stream records in the JSON shape Lambda delivers ({@code eventID}, {@code dynamodb.NewImage.x.S}, ...),
 * converted by hand to and from the events library's beans: their upper-case attribute-value names (S, N, BOOL, NULL)
 * and epoch-second dates do not map with plain Jackson.
 */
public final class DynamodbEvents {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DynamodbEvents() {}

    /** A stream record from DynamoDB (Local) as Lambda would put it in the event. */
    public static ObjectNode lambdaRecord(Record record, String streamArn, String region) {
        ObjectNode out = NODES.objectNode();
        out.put("eventID", record.eventID());
        out.put("eventName", record.eventNameAsString());
        out.put("eventVersion", record.eventVersion() == null ? "1.1" : record.eventVersion());
        out.put("eventSource", "aws:dynamodb");
        out.put("awsRegion", region);
        var s = record.dynamodb();
        ObjectNode dynamodb = out.putObject("dynamodb");
        if (s.approximateCreationDateTime() != null) {
            dynamodb.put("ApproximateCreationDateTime", s.approximateCreationDateTime().getEpochSecond());
        }
        if (s.hasKeys()) {
            dynamodb.set("Keys", image(s.keys()));
        }
        if (s.hasNewImage()) {
            dynamodb.set("NewImage", image(s.newImage()));
        }
        if (s.hasOldImage()) {
            dynamodb.set("OldImage", image(s.oldImage()));
        }
        dynamodb.put("SequenceNumber", s.sequenceNumber());
        if (s.sizeBytes() != null) {
            dynamodb.put("SizeBytes", s.sizeBytes());
        }
        dynamodb.put("StreamViewType", s.streamViewTypeAsString());
        if (record.userIdentity() != null) {
            ObjectNode identity = out.putObject("userIdentity");
            identity.put("type", record.userIdentity().type());
            identity.put("principalId", record.userIdentity().principalId());
        }
        out.put("eventSourceARN", streamArn);
        return out;
    }

    private static ObjectNode image(Map<String, software.amazon.awssdk.services.dynamodb.model.AttributeValue> image) {
        ObjectNode out = NODES.objectNode();
        image.forEach((name, value) -> out.set(name, attribute(value)));
        return out;
    }

    private static ObjectNode attribute(software.amazon.awssdk.services.dynamodb.model.AttributeValue v) {
        ObjectNode out = NODES.objectNode();
        switch (v.type()) {
            case S -> out.put("S", v.s());
            case N -> out.put("N", v.n());
            case B -> out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
            case SS -> v.ss().forEach(out.putArray("SS")::add);
            case NS -> v.ns().forEach(out.putArray("NS")::add);
            case BS -> {
                ArrayNode bs = out.putArray("BS");
                v.bs().forEach(b -> bs.add(Base64.getEncoder().encodeToString(b.asByteArray())));
            }
            case M -> out.set("M", image(v.m()));
            case L -> {
                ArrayNode list = out.putArray("L");
                v.l().forEach(item -> list.add(attribute(item)));
            }
            case NUL -> out.put("NULL", true);
            case BOOL -> out.put("BOOL", v.bool());
            default -> throw new IllegalArgumentException("unknown attribute type " + v.type());
        }
        return out;
    }

    /** {@code {"Records": [...]}} (as in a console test event) to the events library's DynamodbEvent. */
    public static DynamodbEvent fromJson(JsonNode json) {
        DynamodbEvent event = new DynamodbEvent();
        List<DynamodbEvent.DynamodbStreamRecord> records = new ArrayList<>();
        JsonNode array = json.has("Records") ? json.get("Records") : json.path("records");
        for (JsonNode r : array) {
            records.add(recordFromJson(r));
        }
        event.setRecords(records);
        return event;
    }

    public static DynamodbEvent.DynamodbStreamRecord recordFromJson(JsonNode r) {
        DynamodbEvent.DynamodbStreamRecord record = new DynamodbEvent.DynamodbStreamRecord();
        record.setEventID(text(r, "eventID"));
        record.setEventName(text(r, "eventName"));
        record.setEventVersion(text(r, "eventVersion"));
        record.setEventSource(text(r, "eventSource"));
        record.setAwsRegion(text(r, "awsRegion"));
        record.setEventSourceARN(text(r, "eventSourceARN"));
        JsonNode identity = r.get("userIdentity");
        if (identity != null && identity.isObject()) {
            Identity id = new Identity();
            id.setType(text(identity, "type"));
            id.setPrincipalId(text(identity, "principalId"));
            record.setUserIdentity(id);
        }
        JsonNode d = r.get("dynamodb");
        if (d != null && d.isObject()) {
            StreamRecord stream = new StreamRecord();
            JsonNode created = d.get("ApproximateCreationDateTime");
            if (created != null && created.isNumber()) {
                stream.setApproximateCreationDateTime(new Date((long) (created.asDouble() * 1000)));
            }
            if (d.has("Keys")) {
                stream.setKeys(imageFromJson(d.get("Keys")));
            }
            if (d.has("NewImage")) {
                stream.setNewImage(imageFromJson(d.get("NewImage")));
            }
            if (d.has("OldImage")) {
                stream.setOldImage(imageFromJson(d.get("OldImage")));
            }
            stream.setSequenceNumber(text(d, "SequenceNumber"));
            if (d.has("SizeBytes")) {
                stream.setSizeBytes(d.get("SizeBytes").asLong());
            }
            if (d.hasNonNull("StreamViewType")) {
                stream.setStreamViewType(com.amazonaws.services.lambda.runtime.events.models.dynamodb.StreamViewType
                        .fromValue(d.get("StreamViewType").asText()));
            }
            record.setDynamodb(stream);
        }
        return record;
    }

    private static Map<String, AttributeValue> imageFromJson(JsonNode image) {
        Map<String, AttributeValue> out = new LinkedHashMap<>();
        image.fields().forEachRemaining(e -> out.put(e.getKey(), attributeFromJson(e.getValue())));
        return out;
    }

    private static AttributeValue attributeFromJson(JsonNode v) {
        AttributeValue out = new AttributeValue();
        if (v.has("S")) {
            out.setS(v.get("S").asText());
        } else if (v.has("N")) {
            out.setN(v.get("N").asText());
        } else if (v.has("B")) {
            out.setB(ByteBuffer.wrap(Base64.getDecoder().decode(v.get("B").asText())));
        } else if (v.has("SS")) {
            out.setSS(strings(v.get("SS")));
        } else if (v.has("NS")) {
            out.setNS(strings(v.get("NS")));
        } else if (v.has("BS")) {
            List<ByteBuffer> bs = new ArrayList<>();
            v.get("BS").forEach(b -> bs.add(ByteBuffer.wrap(Base64.getDecoder().decode(b.asText()))));
            out.setBS(bs);
        } else if (v.has("M")) {
            out.setM(imageFromJson(v.get("M")));
        } else if (v.has("L")) {
            List<AttributeValue> list = new ArrayList<>();
            v.get("L").forEach(item -> list.add(attributeFromJson(item)));
            out.setL(list);
        } else if (v.has("NULL")) {
            out.setNULL(v.get("NULL").asBoolean());
        } else if (v.has("BOOL")) {
            out.setBOOL(v.get("BOOL").asBoolean());
        }
        return out;
    }

    /** The reverse, so a DynamodbEvent built in code can be filtered or logged like delivered JSON. */
    public static ObjectNode toJson(DynamodbEvent event) {
        ObjectNode out = NODES.objectNode();
        ArrayNode records = out.putArray("Records");
        if (event.getRecords() != null) {
            for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
                records.add(recordToJson(r));
            }
        }
        return out;
    }

    private static ObjectNode recordToJson(DynamodbEvent.DynamodbStreamRecord r) {
        ObjectNode out = NODES.objectNode();
        putIfPresent(out, "eventID", r.getEventID());
        putIfPresent(out, "eventName", r.getEventName());
        putIfPresent(out, "eventVersion", r.getEventVersion());
        putIfPresent(out, "eventSource", r.getEventSource());
        putIfPresent(out, "awsRegion", r.getAwsRegion());
        StreamRecord s = r.getDynamodb();
        if (s != null) {
            ObjectNode d = out.putObject("dynamodb");
            if (s.getApproximateCreationDateTime() != null) {
                d.put("ApproximateCreationDateTime", s.getApproximateCreationDateTime().getTime() / 1000);
            }
            if (s.getKeys() != null) {
                d.set("Keys", imageToJson(s.getKeys()));
            }
            if (s.getNewImage() != null) {
                d.set("NewImage", imageToJson(s.getNewImage()));
            }
            if (s.getOldImage() != null) {
                d.set("OldImage", imageToJson(s.getOldImage()));
            }
            putIfPresent(d, "SequenceNumber", s.getSequenceNumber());
            if (s.getSizeBytes() != null) {
                d.put("SizeBytes", s.getSizeBytes());
            }
            putIfPresent(d, "StreamViewType", s.getStreamViewType());
        }
        if (r.getUserIdentity() != null) {
            ObjectNode identity = out.putObject("userIdentity");
            putIfPresent(identity, "type", r.getUserIdentity().getType());
            putIfPresent(identity, "principalId", r.getUserIdentity().getPrincipalId());
        }
        putIfPresent(out, "eventSourceARN", r.getEventSourceARN());
        return out;
    }

    private static ObjectNode imageToJson(Map<String, AttributeValue> image) {
        ObjectNode out = NODES.objectNode();
        image.forEach((k, v) -> out.set(k, attributeToJson(v)));
        return out;
    }

    private static ObjectNode attributeToJson(AttributeValue v) {
        ObjectNode out = NODES.objectNode();
        if (v.getS() != null) {
            out.put("S", v.getS());
        } else if (v.getN() != null) {
            out.put("N", v.getN());
        } else if (v.getB() != null) {
            out.put("B", Base64.getEncoder().encodeToString(bytes(v.getB())));
        } else if (v.getSS() != null) {
            v.getSS().forEach(out.putArray("SS")::add);
        } else if (v.getNS() != null) {
            v.getNS().forEach(out.putArray("NS")::add);
        } else if (v.getBS() != null) {
            ArrayNode bs = out.putArray("BS");
            v.getBS().forEach(b -> bs.add(Base64.getEncoder().encodeToString(bytes(b))));
        } else if (v.getM() != null) {
            out.set("M", imageToJson(v.getM()));
        } else if (v.getL() != null) {
            ArrayNode list = out.putArray("L");
            v.getL().forEach(item -> list.add(attributeToJson(item)));
        } else if (v.getNULL() != null) {
            out.put("NULL", v.getNULL());
        } else if (v.getBOOL() != null) {
            out.put("BOOL", v.getBOOL());
        }
        return out;
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        copy.rewind();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static void putIfPresent(ObjectNode node, String name, String value) {
        if (value != null) {
            node.put(name, value);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(item -> out.add(item.asText()));
        return out;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
