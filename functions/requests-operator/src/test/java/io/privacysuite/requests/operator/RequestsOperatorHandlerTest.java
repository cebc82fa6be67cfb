package io.privacysuite.requests.operator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestsOperatorHandlerTest {
    @Test
    @SuppressWarnings("unchecked")
    void shouldExplainUnknownActions_insteadOfFailing() {
        Map<String, Object> out = new RequestsOperatorHandler((RequestOperations) null)
                .handleRequest(Map.of("action", "delete-everything"), null);

        Map<String, Object> error = (Map<String, Object>) out.get("error");
        assertThat(error).containsEntry("status", 400);
        assertThat((String) error.get("message")).contains("extend", "reject", "complete");
    }

    @Test
    @SuppressWarnings("unchecked")
    void shouldRequireAValidAddressAndReason_toSuppress() {
        RequestOperations ops = new RequestOperations(null, null, null, null, null, java.time.Clock.systemUTC());
        Map<String, Object> out = new RequestsOperatorHandler(ops)
                .handleRequest(Map.of("action", "suppress", "operator", "alice", "email", "nope", "reason", "spam"), null);

        assertThat((Map<String, Object>) ((Map<String, Object>) out.get("error")).get("fields")).containsKey("email");
    }
}
