package io.privacysuite.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.core.http.ApiRequest;
import io.privacysuite.core.http.PublicBaseUrl;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class StrictInputTest {

    @Test
    void sharedMapperShouldRefuseAKeyGivenTwice() {
        assertThatThrownBy(() -> Json.read("{\"method\":\"reject_all\",\"method\":\"accept_all\"}"))
                .isInstanceOf(JsonProcessingException.class);
        assertThatThrownBy(() -> Json.MAPPER.readValue("{\"a\":{\"b\":1,\"b\":2}}", Map.class))
                .isInstanceOf(JsonProcessingException.class);
    }

    @Test
    void jsonBodyWithADuplicateKeyShouldBeA400() {
        ApiRequest request = new ApiRequest(APIGatewayV2HTTPEvent.builder()
                .withBody("{\"key\":\"a\",\"key\":\"b\"}").withIsBase64Encoded(false).build());
        ApiException e = catchThrowableOfType(ApiException.class, () -> request.jsonBody(1024));
        assertThat(e.status()).isEqualTo(400);
    }

    @Test
    void pathParametersShouldBeShortAndUrlSafe_beforeAnyStoreSeesThem() {
        for (String bad : new String[] {"a".repeat(10_000), "a b", "x\u0000", "..%2F", "ü"}) {
            ApiRequest request = new ApiRequest(APIGatewayV2HTTPEvent.builder()
                    .withPathParameters(Map.of("consentId", bad)).build());
            assertThat(catchThrowableOfType(ApiException.class, () -> request.pathParameter("consentId")).status())
                    .as(bad.length() > 20 ? "10k characters" : bad).isEqualTo(404);
        }
        String id = UUID.randomUUID().toString();
        assertThat(new ApiRequest(APIGatewayV2HTTPEvent.builder().withPathParameters(Map.of("consentId", id)).build())
                .pathParameter("consentId")).isEqualTo(id);
    }

    @Test
    void requestIdsShouldCarryAtLeast128BitsOfRandomness() {
        assertThat(Ids.isUnguessableRequestId(UUID.randomUUID().toString())).isTrue();
        assertThat(Ids.isUnguessableRequestId("Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5")).isTrue();
        assertThat(Ids.isUnguessableRequestId("0f1e2d3c4b5a69788796a5b4c3d2e1f0")).isTrue();
        assertThat(Ids.isUnguessableRequestId("b7e0c1d2-0001")).isFalse();
        assertThat(Ids.isUnguessableRequestId("retry-0123456789")).isFalse();
        assertThat(Ids.isUnguessableRequestId("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")).isFalse();
        assertThat(Ids.isUnguessableRequestId("00000000-0000-0000-0000-000000000001")).isFalse();
        assertThat(Ids.isUnguessableRequestId("a".repeat(10_000))).isFalse();
        assertThat(Ids.isUnguessableRequestId(null)).isFalse();
    }

    @Test
    void publicBaseUrlShouldBeHttps_exceptPlainHttpToLoopbackInALocalRun() {
        assertThat(PublicBaseUrl.parse("https://privacy.example.com/", false)).isEqualTo("https://privacy.example.com");
        assertThat(PublicBaseUrl.parse("http://127.0.0.1:3000", true)).isEqualTo("http://127.0.0.1:3000");
        for (String bad : new String[] {"http://privacy.example.com", "http://127.0.0.1:3000", "ftp://x",
                "https://user@privacy.example.com", "https://privacy.example.com/?a=1", "not a url", ""}) {
            assertThatThrownBy(() -> PublicBaseUrl.parse(bad, false)).as(bad)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("PublicBaseUrl");
        }
        for (String bad : new String[] {"http://127.0.0.1.evil.example", "http://localhost.example:3000",
                "http://10.0.0.1"}) {
            assertThatThrownBy(() -> PublicBaseUrl.parse(bad, true)).as(bad).isInstanceOf(IllegalStateException.class);
        }
        assertThatThrownBy(() -> PublicBaseUrl.from(Env.of(Map.of()))).hasMessageContaining("PUBLIC_BASE_URL");
    }
}
