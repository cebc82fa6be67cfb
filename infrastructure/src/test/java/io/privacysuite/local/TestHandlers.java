package io.privacysuite.local;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.events.DynamodbEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.events.StreamsEventResponse;
import io.privacysuite.core.Env;
import io.privacysuite.local.runtime.LambdaJson;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Handlers built by the local suite from a template's Handler string, each with the (Env) constructor. */
public final class TestHandlers {
    private TestHandlers() {}

    /** Echoes what API Gateway sent; some paths misbehave on purpose. */
    public static final class Http implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
        public static final AtomicInteger INSTANCES = new AtomicInteger();
        private final Env env;

        public Http(Env env) {
            this.env = env;
            INSTANCES.incrementAndGet();
        }

        @Override
        public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
            if (event.getRawPath().endsWith("/boom")) {
                throw new IllegalStateException("boom");
            }
            if (event.getRawPath().endsWith("/binary")) {
                return APIGatewayV2HTTPResponse.builder().withStatusCode(200)
                        .withHeaders(Map.of("Content-Type", "application/octet-stream"))
                        .withBody(Base64.getEncoder().encodeToString(new byte[] {0, 1, 2, (byte) 255}))
                        .withIsBase64Encoded(true).build();
            }
            Map<String, Object> echo = new LinkedHashMap<>();
            echo.put("routeKey", event.getRouteKey());
            echo.put("pathParameters", event.getPathParameters());
            echo.put("query", event.getQueryStringParameters());
            echo.put("cookies", event.getCookies());
            echo.put("sourceIp", event.getRequestContext().getHttp().getSourceIp());
            echo.put("body", event.getBody());
            echo.put("isBase64Encoded", event.getIsBase64Encoded());
            echo.put("stage", env.get("STAGE", ""));
            echo.put("functionName", context.getFunctionName());
            echo.put("remainingMs", context.getRemainingTimeInMillis());
            return APIGatewayV2HTTPResponse.builder().withStatusCode(201)
                    .withHeaders(Map.of("Content-Type", "application/json", "X-Table", env.get("TABLE", "")))
                    .withCookies(List.of("seen=1; Path=/; HttpOnly"))
                    .withBody(LambdaJson.write(echo)).build();
        }
    }

    /** Records SQS batches; fails every message whose body is "poison". */
    public static final class Sqs implements RequestHandler<SQSEvent, SQSBatchResponse> {
        public static final List<SQSEvent.SQSMessage> RECEIVED = new CopyOnWriteArrayList<>();

        public Sqs(Env env) {}

        @Override
        public SQSBatchResponse handleRequest(SQSEvent event, Context context) {
            List<SQSBatchResponse.BatchItemFailure> failures = new ArrayList<>();
            for (SQSEvent.SQSMessage m : event.getRecords()) {
                RECEIVED.add(m);
                if (m.getBody().equals("poison")) {
                    failures.add(SQSBatchResponse.BatchItemFailure.builder().withItemIdentifier(m.getMessageId()).build());
                }
            }
            return SQSBatchResponse.builder().withBatchItemFailures(failures).build();
        }
    }

    /** Records stream records; reports as failed those whose NewImage pk starts with "fail". */
    public static final class Stream implements RequestHandler<DynamodbEvent, StreamsEventResponse> {
        public final List<DynamodbEvent.DynamodbStreamRecord> received = new CopyOnWriteArrayList<>();
        public final Set<String> failOnPrefix = ConcurrentHashMap.newKeySet();

        @Override
        public StreamsEventResponse handleRequest(DynamodbEvent event, Context context) {
            List<StreamsEventResponse.BatchItemFailure> failures = new ArrayList<>();
            for (DynamodbEvent.DynamodbStreamRecord r : event.getRecords()) {
                received.add(r);
                var image = r.getDynamodb().getNewImage();
                String pk = image == null || image.get("pk") == null ? "" : image.get("pk").getS();
                if (failOnPrefix.stream().anyMatch(pk::startsWith)) {
                    failures.add(StreamsEventResponse.BatchItemFailure.builder()
                            .withItemIdentifier(r.getDynamodb().getSequenceNumber()).build());
                }
            }
            return StreamsEventResponse.builder().withBatchItemFailures(failures).build();
        }
    }

    /** Describes the typed event it got, to check JSON conversion. */
    public static final class DescribeDynamodb implements RequestHandler<DynamodbEvent, String> {
        public DescribeDynamodb(Env env) {}

        @Override
        public String handleRequest(DynamodbEvent event, Context context) {
            DynamodbEvent.DynamodbStreamRecord r = event.getRecords().get(0);
            return r.getEventName() + "|" + r.getDynamodb().getOldImage().get("pk").getS() + "|"
                    + r.getDynamodb().getOldImage().get("expiresAt").getN() + "|" + r.getUserIdentity().getType() + "|"
                    + r.getDynamodb().getApproximateCreationDateTime().toInstant() + "|" + r.getEventSourceARN();
        }
    }

    public static final class DescribeSqs implements RequestHandler<SQSEvent, String> {
        public DescribeSqs(Env env) {}

        @Override
        public String handleRequest(SQSEvent event, Context context) {
            SQSEvent.SQSMessage m = event.getRecords().get(0);
            return m.getBody() + "|" + m.getEventSourceArn() + "|" + m.getAttributes().get("ApproximateReceiveCount") + "|"
                    + m.getMessageAttributes().get("kind").getStringValue();
        }
    }

    public static final class DescribeSchedule implements RequestHandler<ScheduledEvent, String> {
        public static final AtomicInteger CALLS = new AtomicInteger();

        public DescribeSchedule(Env env) {}

        @Override
        public String handleRequest(ScheduledEvent event, Context context) {
            CALLS.incrementAndGet();
            return event.getDetailType() + "|" + event.getSource() + "|" + (event.getTime() != null) + "|" + event.getResources();
        }
    }

    /** Takes a plain map, as operator console handlers often do. */
    public static final class Admin implements RequestHandler<Map<String, Object>, Map<String, Object>> {
        private final Env env;

        public Admin(Env env) {
            this.env = env;
        }

        @Override
        public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
            Map<String, Object> out = new LinkedHashMap<>(input);
            out.put("stage", env.get("STAGE", ""));
            return out;
        }
    }

    /** No (Env) constructor: must be rejected with a clear message. */
    public static final class NoEnvConstructor implements RequestHandler<Object, Object> {
        @Override
        public Object handleRequest(Object input, Context context) {
            return input;
        }
    }
}
