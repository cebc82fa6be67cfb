package io.privacysuite.local.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.local.runtime.LambdaJson;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventFilterTest {
    private static final JsonNode TTL_REMOVE = json("""
            {"eventName": "REMOVE", "eventSource": "aws:dynamodb",
             "dynamodb": {"OldImage": {"pk": {"S": "SITE#1"}, "expiresAt": {"N": "1700000000"}, "status": {"S": "granted"}},
                          "SizeBytes": 42},
             "userIdentity": {"type": "Service", "principalId": "dynamodb.amazonaws.com"}}
            """);
    private static final JsonNode USER_DELETE = json("""
            {"eventName": "REMOVE", "dynamodb": {"OldImage": {"pk": {"S": "USER#9"}}, "SizeBytes": 7}}
            """);
    private static final JsonNode INSERT = json("""
            {"eventName": "INSERT", "dynamodb": {"NewImage": {"pk": {"S": "SITE#2"}, "tags": {"SS": ["a", "b"]}}, "SizeBytes": 5},
             "flag": true, "nothing": null}
            """);

    @Test
    void shouldPassOnlyTtlDeletes_whenFilteringOnUserIdentity() {
        EventFilter filter = EventFilter.of(List.of("{\"userIdentity\":{\"type\":[\"Service\"],\"principalId\":[\"dynamodb.amazonaws.com\"]}}"));

        assertThat(filter.matches(TTL_REMOVE)).isTrue();
        assertThat(filter.matches(USER_DELETE)).isFalse();
        assertThat(filter.matches(INSERT)).isFalse();
    }

    @Test
    void shouldMatchNestedAttributeValuesWithPrefix() {
        EventFilter filter = EventFilter.of(List.of("{\"dynamodb\":{\"OldImage\":{\"pk\":{\"S\":[{\"prefix\":\"SITE#\"}]}}}}"));

        assertThat(filter.matches(TTL_REMOVE)).isTrue();
        assertThat(filter.matches(USER_DELETE)).isFalse();
    }

    @Test
    void shouldHonourExists() {
        EventFilter present = EventFilter.of(List.of("{\"userIdentity\":{\"type\":[{\"exists\":true}]}}"));
        EventFilter absent = EventFilter.of(List.of("{\"userIdentity\":{\"type\":[{\"exists\":false}]}}"));

        assertThat(present.matches(TTL_REMOVE)).isTrue();
        assertThat(present.matches(USER_DELETE)).isFalse();
        assertThat(absent.matches(USER_DELETE)).as("a missing parent object counts as absent").isTrue();
        assertThat(absent.matches(TTL_REMOVE)).isFalse();
    }

    @Test
    void shouldHonourAnythingBut() {
        EventFilter notRemove = EventFilter.of(List.of("{\"eventName\":[{\"anything-but\":[\"REMOVE\",\"MODIFY\"]}]}"));
        EventFilter notSitePrefix = EventFilter.of(List.of("{\"dynamodb\":{\"OldImage\":{\"pk\":{\"S\":[{\"anything-but\":{\"prefix\":\"SITE#\"}}]}}}}"));

        assertThat(notRemove.matches(INSERT)).isTrue();
        assertThat(notRemove.matches(TTL_REMOVE)).isFalse();
        assertThat(notSitePrefix.matches(USER_DELETE)).isTrue();
        assertThat(notSitePrefix.matches(TTL_REMOVE)).isFalse();
    }

    @Test
    void shouldCompareNumericRanges() {
        EventFilter smallRecords = EventFilter.of(List.of("{\"dynamodb\":{\"SizeBytes\":[{\"numeric\":[\">\",0,\"<=\",10]}]}}"));

        assertThat(smallRecords.matches(USER_DELETE)).isTrue();
        assertThat(smallRecords.matches(INSERT)).isTrue();
        assertThat(smallRecords.matches(TTL_REMOVE)).as("42 is out of range").isFalse();
    }

    @Test
    void shouldMatchExactValuesOfEveryJsonTypeAndArrayElements() {
        assertThat(EventFilter.of(List.of("{\"flag\":[true]}")).matches(INSERT)).isTrue();
        assertThat(EventFilter.of(List.of("{\"flag\":[false]}")).matches(INSERT)).isFalse();
        assertThat(EventFilter.of(List.of("{\"nothing\":[null]}")).matches(INSERT)).isTrue();
        assertThat(EventFilter.of(List.of("{\"nothing\":[null]}")).matches(TTL_REMOVE)).as("missing is not null").isFalse();
        assertThat(EventFilter.of(List.of("{\"dynamodb\":{\"SizeBytes\":[42]}}")).matches(TTL_REMOVE)).isTrue();
        assertThat(EventFilter.of(List.of("{\"dynamodb\":{\"SizeBytes\":[\"42\"]}}")).matches(TTL_REMOVE))
                .as("a string does not equal a number").isFalse();
        assertThat(EventFilter.of(List.of("{\"dynamodb\":{\"NewImage\":{\"tags\":{\"SS\":[\"b\"]}}}}")).matches(INSERT))
                .as("any element of an array value").isTrue();
    }

    @Test
    void shouldRequireEveryKeyOfAPatternButAnyPattern() {
        EventFilter both = EventFilter.of(List.of("{\"eventName\":[\"REMOVE\"],\"userIdentity\":{\"type\":[\"Service\"]}}"));
        EventFilter either = EventFilter.of(List.of("{\"eventName\":[\"INSERT\"]}", "{\"userIdentity\":{\"type\":[\"Service\"]}}"));

        assertThat(both.matches(TTL_REMOVE)).isTrue();
        assertThat(both.matches(USER_DELETE)).isFalse();
        assertThat(either.matches(INSERT)).isTrue();
        assertThat(either.matches(TTL_REMOVE)).isTrue();
        assertThat(either.matches(USER_DELETE)).isFalse();
        assertThat(EventFilter.none().matches(USER_DELETE)).isTrue();
    }

    private static JsonNode json(String text) {
        return LambdaJson.toTree(text);
    }
}
