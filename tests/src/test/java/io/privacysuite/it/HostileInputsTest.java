package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HostileInputsTest {

    @Test
    void shouldSendBodiesMutatedPastJacksonsDefaultWriteDepth_insteadOfFailingTheGenerator() {
        // 1000 levels, the deepest body Jackson reads by default, with 500 empty objects at the bottom: a mutation
        // that puts an object or array into one of them makes the body deeper than Jackson's writers allow by
        // default, which stopped the generator (and the route's test) before any request was sent.
        StringBuilder bottom = new StringBuilder();
        for (int i = 0; i < 500; i++) {
            bottom.append(i == 0 ? "" : ",").append("\"k").append(i).append("\":{}");
        }
        String deep = "{\"deep\":" + "{\"a\":".repeat(997) + "{" + bottom + "}" + "}".repeat(997) + "}";
        assertThat(depth(deep.getBytes(StandardCharsets.UTF_8))).isEqualTo(1000);
        HostileInputs.Seed seed = new HostileInputs.Seed("POST", "/v1/things", Map.of(), "",
                List.of(Map.entry("content-type", "application/json")), deep.getBytes(StandardCharsets.UTF_8));
        HostileInputs generator = new HostileInputs(37830431497559L);
        int deeper = 0;
        for (int i = 0; i < 2_000; i++) {
            HostileInputs.Input input = generator.next(seed);
            assertThat(input.body()).isNotNull();
            if (depth(input.body()) > 1000) {
                deeper++;
            }
        }
        assertThat(deeper).as("bodies sent deeper than 1000 levels").isPositive();
    }

    /** The deepest nesting of arrays and objects outside strings. */
    private static int depth(byte[] body) {
        int depth = 0;
        int max = 0;
        boolean inString = false;
        for (int i = 0; i < body.length; i++) {
            byte b = body[i];
            if (inString) {
                if (b == '\\') {
                    i++;
                } else if (b == '"') {
                    inString = false;
                }
            } else if (b == '"') {
                inString = true;
            } else if (b == '[' || b == '{') {
                max = Math.max(max, ++depth);
            } else if (b == ']' || b == '}') {
                depth--;
            }
        }
        return max;
    }
}
