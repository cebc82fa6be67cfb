package io.privacysuite.bench;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.SQSBatchResponse;
import com.amazonaws.services.lambda.runtime.events.SQSEvent;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.notifier.MimeMessages;
import io.privacysuite.notifier.NotifierHandler;
import io.privacysuite.notifier.TemplateRenderer;
import io.privacysuite.notify.Notification;
import io.privacysuite.requests.api.RequestsApiHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * Data subject request figures: intake requests/s through the local suite's HTTP API (parse, two rate-limit
 * counters, site lookup, conditional PutItem, SQS send), and notifier emails/s (suppression Query, template render,
 * MIME build, SES SendRawEmail against the emulator), beside render+MIME alone.
 */
final class RequestsBench {
    static final String[] LOCALES = {"en", "fr", "nl", "de"};
    static final String[] TYPES = {"access", "erasure", "portability", "objection"};

    static void run(LocalSuite stack) throws Exception {
        // Each simulated person comes from their own address, so the per-IP limit measures nothing here.
        System.setProperty("privacysuite.trustForwardedFor", "true");
        String siteId = "bench-" + UUID.randomUUID().toString().substring(0, 8);
        stack.functions().invoke("ConsentAdminFunction", Map.of("action", "registerSite", "site", Map.of(
                "siteId", siteId, "allowedOrigins", List.of("https://bench.example"), "bannerVersion", "b1")));
        // HTTP/1.1 with keep-alive, as a browser or API client would use against API Gateway.
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        URI intake = URI.create(stack.httpBaseUri() + "/v1/requests");
        String run = UUID.randomUUID().toString().substring(0, 6);
        IntConsumer submit = i -> {
            String body = "{\"type\":\"" + TYPES[i % TYPES.length] + "\",\"email\":\"p" + i + "-" + run
                    + "@bench.example\",\"siteId\":\"" + siteId + "\",\"locale\":\"" + LOCALES[i % 4] + "\"}";
            HttpRequest request = HttpRequest.newBuilder(intake).timeout(Duration.ofSeconds(20))
                    .header("content-type", "application/json")
                    .header("x-forwarded-for", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 202) {
                    throw new IllegalStateException("intake answered " + response.statusCode() + " " + response.body());
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        };
        AtomicInteger next = new AtomicInteger();
        IntConsumer unique = ignored -> submit.accept(next.getAndIncrement());
        Throughput.rate(unique, 200, 4);
        for (int threads : new int[] {1, 4, 8}) {
            double perSecond = Throughput.rate(unique, 1000, threads);
            System.out.printf("requests intake   : %,8.0f requests/s  (HTTP API -> handler -> DynamoDB Local + ElasticMQ, %d client threads)%n",
                    perSecond, threads);
        }

        // The same work without the HTTP layer: the handler called in-process with a payload 2.0 event.
        RequestsApiHandler handler = new RequestsApiHandler(stack.functions().env("RequestsApiFunction"));
        IntConsumer direct = ignored -> {
            int i = next.getAndIncrement();
            APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
            event.setRouteKey("POST /v1/requests");
            event.setBody("{\"type\":\"access\",\"email\":\"d" + i + "-" + run + "@bench.example\",\"siteId\":\""
                    + siteId + "\"}");
            APIGatewayV2HTTPEvent.RequestContext.Http source = new APIGatewayV2HTTPEvent.RequestContext.Http();
            source.setMethod("POST");
            source.setSourceIp("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
            APIGatewayV2HTTPEvent.RequestContext context = new APIGatewayV2HTTPEvent.RequestContext();
            context.setHttp(source);
            event.setRequestContext(context);
            int status = handler.handleRequest(event, null).getStatusCode();
            if (status != 202) {
                throw new IllegalStateException("handler answered " + status);
            }
        };
        Throughput.rate(direct, 200, 1);
        System.out.printf("requests handler  : %,8.0f requests/s  (same work called in-process, no HTTP layer, 1 thread)%n",
                Throughput.rate(direct, 1000, 1));

        // The notifier: batches of 10 as the SQS event source delivers them, straight into the handler.
        Env env = stack.functions().env("NotifierFunction");
        NotifierHandler notifier = new NotifierHandler(env);
        AtomicInteger batchNo = new AtomicInteger();
        IntConsumer sendBatch = ignored -> {
            SQSBatchResponse response = notifier.handleRequest(batch(batchNo.getAndIncrement(), run), null);
            if (!response.getBatchItemFailures().isEmpty()) {
                throw new IllegalStateException(response.getBatchItemFailures().size() + " sends failed");
            }
        };
        Throughput.rate(sendBatch, 20, 1);
        for (int threads : new int[] {1, 4}) {
            double batches = Throughput.rate(sendBatch, 100, threads);
            System.out.printf("notifier          : %,8.0f emails/s    (suppression Query + render + MIME + SES SendRawEmail to the emulator, %d threads)%n",
                    batches * 10, threads);
        }
        TemplateRenderer renderer = new TemplateRenderer();
        MimeMessages mime = new MimeMessages(env.require("SENDER_EMAIL"));
        IntConsumer renderOnly = i -> {
            Notification n = notification(i, run);
            mime.build(n.to(), renderer.render(n.emailTemplate().orElseThrow(), n.locale(), n.data(), null, false), null, n.id(), Instant.now());
        };
        Throughput.rate(renderOnly, 2000, 1);
        System.out.printf("render + MIME only: %,8.0f emails/s    (no I/O, 1 thread)%n", Throughput.rate(renderOnly, 20000, 1));
        stack.mailbox().clear();
    }

    static Notification notification(int i, String run) {
        String requestId = UUID.randomUUID().toString();
        return new Notification("bench-" + i, Notification.TRANSACTIONAL, "request_acknowledged", LOCALES[i % 4],
                "n" + i + "-" + run + "@bench.example", null, Map.of("requestId", requestId, "type", TYPES[i % 4],
                "receivedOn", "2026-11-22", "dueOn", "2026-12-22",
                "statusUrl", "http://localhost:3000/v1/requests/" + requestId + "?token=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"),
                requestId);
    }

    static SQSEvent batch(int batchNo, String run) {
        List<SQSEvent.SQSMessage> records = new ArrayList<>();
        for (int j = 0; j < 10; j++) {
            SQSEvent.SQSMessage m = new SQSEvent.SQSMessage();
            m.setMessageId("m-" + batchNo + "-" + j);
            m.setBody(Json.write(notification(batchNo * 10 + j, run)));
            m.setAttributes(Map.of("ApproximateReceiveCount", "1"));
            records.add(m);
        }
        SQSEvent event = new SQSEvent();
        event.setRecords(records);
        return event;
    }
}
