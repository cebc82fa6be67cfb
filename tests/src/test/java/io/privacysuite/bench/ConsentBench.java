package io.privacysuite.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.api.ConsentApiHandler;
import io.privacysuite.core.Env;
import io.privacysuite.local.LocalSuite;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.IntConsumer;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/**
 * Consent write throughput through the handler (parse, validate, sign, one conditional PutItem) beside raw
 * PutItem of the same item on the same DynamoDB Local, with the same threads; then the artifact sizes.
 */
final class ConsentBench {
    static final int THREADS = 4;
    static final int WARMUP = 1500;
    static final int MEASURED = 6000;

    static void run(LocalSuite stack) throws Exception {
        // Limits on, as deployed, with a site limit above what this bench writes per minute: it measures what the
        // limits cost (chunked counter leases per site; visitors' first writes from memory), not their refusals.
        Env env = stack.functions().env("ConsentApiFunction").with(Map.of("CONSENT_LIMIT_PER_SITE_PER_MINUTE", "1000000"));
        ConsentApiHandler handler = new ConsentApiHandler(env);
        String siteId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        stack.functions().invoke("ConsentAdminFunction", Map.of("action", "registerSite", "site", Map.of(
                "siteId", siteId, "allowedOrigins", List.of("https://bench.example"), "bannerVersion", "b1")));

        IntConsumer viaHandler = i -> {
            APIGatewayV2HTTPResponse response = handler.handleEvent(event(siteId, i), null);
            if (response.getStatusCode() != 201) {
                throw new IllegalStateException("handler answered " + response.getStatusCode() + " " + response.getBody());
            }
        };
        DynamoDbClient dynamo = stack.awsClients().dynamoDb();
        String table = stack.resources().tableName("ConsentsTable");
        Instant now = Instant.now();
        IntConsumer rawPut = i -> dynamo.putItem(r -> r.tableName(table).item(ConsentsTable.toItem(ConsentRecord.builder()
                .consentId(UUID.randomUUID().toString()).version(1).siteId(siteId).siteGroup(siteId)
                .categories(Categories.ALL).method(ConsentMethod.ACCEPT_ALL).bannerVersion("b1")
                .pageUrl("https://bench.example/page").ipAnonymized("203.0.113.0").recordedAt(now)
                .validUntil(now.plusSeconds(86400)).expiresAt(now.plusSeconds(86400)).retentionRule("end_user_12m")
                .key("k.abc").build(), ConsentsTable.DEFAULT_SHARDS)));

        // Alternate twice so neither side profits alone from a warmer emulator.
        rate(rawPut, WARMUP);
        rate(viaHandler, WARMUP);
        double raw1 = rate(rawPut, MEASURED);
        double handler1 = rate(viaHandler, MEASURED);
        double raw2 = rate(rawPut, MEASURED);
        double handler2 = rate(viaHandler, MEASURED);
        double raw = (raw1 + raw2) / 2;
        double through = (handler1 + handler2) / 2;
        System.out.printf("consent.writes: handler %.0f/s (runs %.0f, %.0f), raw PutItem %.0f/s (runs %.0f, %.0f), "
                + "ratio %.2f (target >= 0.9), %d threads, %d writes per run; limits on (per site %s/min, per client "
                + "%s/min)%n", through, handler1, handler2, raw, raw1, raw2, through / raw, THREADS, MEASURED,
                env.require("CONSENT_LIMIT_PER_SITE_PER_MINUTE"), env.require("CONSENT_LIMIT_PER_CLIENT_PER_MINUTE"));
    }

    static double rate(IntConsumer op, int count) throws Exception {
        return Throughput.rate(op, count, THREADS);
    }

    static APIGatewayV2HTTPEvent event(String siteId, int i) {
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey("POST /v1/sites/{siteId}/consents")
                .withRawPath("/v1/sites/" + siteId + "/consents")
                .withHeaders(Map.of("content-type", "application/json", "origin", "https://bench.example"))
                .withPathParameters(Map.of("siteId", siteId))
                .withRequestContext(APIGatewayV2HTTPEvent.RequestContext.builder()
                        .withRequestId("bench-" + i)
                        .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                                .withMethod("POST").withPath("/v1/sites/" + siteId + "/consents")
                                // One visitor per write, each from its own /24, as on a busy site.
                                .withSourceIp("100." + (64 + (i % 16384) / 256) + "." + (i % 256) + ".7").build())
                        .build())
                .withBody("{\"method\":\"custom\",\"categories\":{\"preferences\":true,\"statistics\":" + (i % 2 == 0)
                        + ",\"marketing\":false},\"bannerVersion\":\"b1\",\"pageUrl\":\"https://bench.example/p/" + i + "\"}")
                .withIsBase64Encoded(false)
                .build();
    }
}
