package io.privacysuite.fulfilment;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** DynamoDB items as plain JSON-ready values (strings, numbers, booleans, lists, maps), keys sorted. */
final class Items {
    private Items() {}

    static Map<String, Object> plain(Map<String, AttributeValue> item) {
        Map<String, Object> out = new TreeMap<>();
        item.forEach((k, v) -> out.put(k, plain(v)));
        return out;
    }

    static Object plain(AttributeValue v) {
        if (v.s() != null) {
            return v.s();
        }
        if (v.n() != null) {
            return new BigDecimal(v.n());
        }
        if (v.bool() != null) {
            return v.bool();
        }
        if (Boolean.TRUE.equals(v.nul())) {
            return null;
        }
        if (v.hasM()) {
            return plain(v.m());
        }
        if (v.hasL()) {
            List<Object> list = new ArrayList<>();
            v.l().forEach(e -> list.add(plain(e)));
            return list;
        }
        if (v.hasSs()) {
            return List.copyOf(v.ss());
        }
        if (v.hasNs()) {
            return v.ns().stream().map(BigDecimal::new).toList();
        }
        if (v.b() != null) {
            return java.util.Base64.getEncoder().encodeToString(v.b().asByteArray());
        }
        return null;
    }
}
