package io.privacysuite.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.errors.FieldErrors;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The one mapping of services' refusals to HTTP answers and console answers. */
class ApiExceptionTest {
    @Test
    void shouldMapEachKindOfRefusalToItsStatus_keepingCodeMessageAndFields() {
        assertThat(ApiException.of(DomainException.invalid(Map.of("email", "required"))))
                .satisfies(e -> {
                    assertThat(e.status()).isEqualTo(400);
                    assertThat(e.code()).isEqualTo("validation_failed");
                    assertThat(e.fieldErrors()).containsExactly(Map.entry("email", "required"));
                });
        assertThat(ApiException.of(DomainException.badRequest("nextToken is not valid.")).status()).isEqualTo(400);
        assertThat(ApiException.of(DomainException.forbidden("invalid_key", "no")).status()).isEqualTo(403);
        assertThat(ApiException.of(DomainException.notFound("Site")).getMessage()).isEqualTo("Site not found.");
        assertThat(ApiException.of(DomainException.notFound("Site")).status()).isEqualTo(404);
        assertThat(ApiException.of(DomainException.conflict("concurrent_change", "retry")).code())
                .isEqualTo("concurrent_change");
        assertThat(ApiException.of(DomainException.conflict("concurrent_change", "retry")).status()).isEqualTo(409);
        assertThat(ApiException.of(DomainException.gone("erased")).status()).isEqualTo(410);
    }

    @Test
    void shouldAnswerALimitWith429AndRetryAfter() {
        var response = ApiResponses.error(ApiException.of(DomainException.limited(17)), Map.of());

        assertThat(response.getStatusCode()).isEqualTo(429);
        assertThat(response.getHeaders()).containsEntry("retry-after", "17");
    }

    @Test
    void shouldPassTheEdgesOwnRefusalsThrough_andRefuseAnythingElse() {
        ApiException tooLarge = ApiException.tooLarge(8192);

        assertThat(ApiException.of(tooLarge)).isSameAs(tooLarge);
        assertThatThrownBy(() -> ApiException.of(new IllegalStateException("bug")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldAnswerTheConsoleWithTheSameMapping_everyFieldAtOnce() throws Exception {
        FieldErrors errors = new FieldErrors().add("from", "a date").add("limit", "1 to 5000");
        DomainException refusal = org.assertj.core.api.Assertions.catchThrowableOfType(DomainException.class,
                errors::throwIfAny);

        Map<String, Object> answer = ConsoleActions.error(ApiException.of(refusal));

        assertThat(Json.write(answer)).isEqualTo("{\"error\":{\"status\":400,\"code\":\"validation_failed\","
                + "\"message\":\"The request has invalid fields.\",\"fields\":{\"from\":\"a date\",\"limit\":\"1 to 5000\"}}}");
    }
}
