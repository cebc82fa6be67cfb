package io.privacysuite.bench;

import com.sun.net.httpserver.HttpServer;
import io.privacysuite.core.Env;
import io.privacysuite.core.Json;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.incidents.NoticeFanOut;
import io.privacysuite.incidents.SqsNotificationSender;
import io.privacysuite.incidents.StoredAudiences;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.notifier.MimeMessages;
import io.privacysuite.notifier.NotifierService;
import io.privacysuite.notifier.TemplateRenderer;
import io.privacysuite.notify.DynamoDbEmailPreferences;
import io.privacysuite.notify.NoticeCampaign;
import io.privacysuite.notify.Notification;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.ses.SesClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

/**
 * A breach notice fanned out to N recipients (default 100,000; {@code -Dbench.fanout.recipients=N}) through the real
 * path on the local emulators: the audience CSV in S3Mock read page by page, pages and notifications on ElasticMQ
 * queues, the fan-out ({@link NoticeFanOut}) and the notifier ({@link NotifierService}: suppression check, send ledger
 * and campaign counters in DynamoDB Local, rendering, MIME) run as their Lambda event sources would run them. SES is
 * an HTTP sink in this JVM that answers SendRawEmail and counts each recipient: the SES emulator keeps every message in
 * memory and returns them all in one JSON document, which does not scale to this size.
 *
 * <p>Midway the fan-out is killed in the middle of a page (its page message is not acknowledged) and the notifier
 * workers are stopped; both resume from what SQS redelivers. Printed: emails per second, the JVM's peak heap, the
 * duplicates (target 0) and the emails counted at the end (target: the audience).
 */
final class FanOutBench {
    static final int WORKERS = 4;

    static void run(LocalSuite stack) throws Exception {
        int recipients = Integer.getInteger("bench.fanout.recipients", 100_000);
        Env env = stack.env("NoticeFanOutFunction");
        SqsClient sqs = stack.awsClients().sqs();
        S3Client s3 = stack.awsClients().s3().orElseThrow();
        String bucket = env.require("EXPORTS_BUCKET");
        String tag = Long.toString(System.nanoTime(), 36);
        String pagesQueue = sqs.createQueue(r -> r.queueName("bench-pages-" + tag)
                .attributes(Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, "5")))
                .queueUrl();
        String mailQueue = sqs.createQueue(r -> r.queueName("bench-mail-" + tag)
                .attributes(Map.of(software.amazon.awssdk.services.sqs.model.QueueAttributeName.VISIBILITY_TIMEOUT, "5")))
                .queueUrl();

        StringBuilder csv = new StringBuilder("email,locale\n");
        String[] locales = {"en", "fr", "nl", "de"};
        for (int i = 0; i < recipients; i++) {
            csv.append("p").append(i).append('-').append(tag).append("@bench.example,").append(locales[i % 4]).append('\n');
        }
        String key = "audiences/bench-" + tag + ".csv";
        s3.putObject(r -> r.bucket(bucket).key(key), RequestBody.fromString(csv.toString()));

        SesSink sink = SesSink.start();
        var preferences = new DynamoDbEmailPreferences(stack.awsClients().dynamoDb(), env.require("EMAIL_PREFERENCES_TABLE"),
                RetentionPolicy.from(env));
        SesClient ses = SesClient.builder().endpointOverride(sink.uri()).region(Region.EU_WEST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("bench", "bench")))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).build();
        NotifierService notifier = new NotifierService(preferences, new TemplateRenderer(),
                new MimeMessages(env.require("SENDER_EMAIL")), null, ses, null, Clock.systemUTC());

        String campaign = "breach-bench-" + tag;
        int killAfterNotifications = recipients / 2 + 37; // mid-page
        AtomicInteger queuedNotifications = new AtomicInteger();
        AtomicBoolean crash = new AtomicBoolean(true);
        SqsNotificationSender toMailQueue = new SqsNotificationSender(sqs, mailQueue);
        StoredAudiences csvOnly = new StoredAudiences(s3, bucket, null); // a CSV audience: no account is read
        // The fan-out as deployed, except that the bench kills it once in the middle of a page.
        NoticeFanOut pages = new NoticeFanOut(csvOnly, new io.privacysuite.incidents.NotificationSender() {
            @Override
            public void send(Notification n) {
                sendAll(List.of(n));
            }

            @Override
            public void sendAll(List<Notification> batch) {
                for (int from = 0; from < batch.size(); from += 10) {
                    List<Notification> chunk = batch.subList(from, Math.min(from + 10, batch.size()));
                    if (crash.get() && queuedNotifications.get() + chunk.size() > killAfterNotifications) {
                        crash.set(false);
                        throw new KilledException();
                    }
                    toMailQueue.sendAll(chunk);
                    queuedNotifications.addAndGet(chunk.size());
                }
            }
        }, (page, delay) -> sqs.sendMessage(r -> r.queueUrl(pagesQueue).messageBody(Json.write(page))),
                preferences, 100, 1_000_000, Clock.systemUTC());

        long peakHeap = 0;
        long start = System.nanoTime();
        sqs.sendMessage(r -> r.queueUrl(pagesQueue).messageBody(Json.write(new NoticeCampaign(campaign, "bench",
                "breach_notice", Map.of("nature", "Bench incident.", "dataCategories", "email addresses",
                "consequences", "None.", "measures", "None.", "contact", "dpo@bench.example",
                "whatYouCanDo", "Nothing.", "incidentRef", tag), "en", new NoticeCampaign.Audience(key, null), 0, 0))));

        AtomicBoolean stopWorkers = new AtomicBoolean();
        AtomicLong sendFailures = new AtomicLong();
        List<Thread> workers = startWorkers(sqs, mailQueue, notifier, stopWorkers, sendFailures);
        boolean killed = false;
        long pausedNanos = 0;
        int sentAtKill = -1;
        long lastReport = System.nanoTime();
        while (true) {
            peakHeap = Math.max(peakHeap, usedHeap());
            if (System.nanoTime() - lastReport > Duration.ofMinutes(2).toNanos()) {
                lastReport = System.nanoTime();
                System.out.printf("  ... %d emails after %.0f s%n", sink.distinct(), (lastReport - start) / 1e9);
            }
            List<Message> messages = sqs.receiveMessage(r -> r.queueUrl(pagesQueue).maxNumberOfMessages(1)
                    .waitTimeSeconds(1)).messages();
            if (messages.isEmpty()) {
                if (sink.distinct() >= recipients) {
                    break;
                }
                if (System.nanoTime() - start > Duration.ofMinutes(40).toNanos()) {
                    break;
                }
                continue;
            }
            Message m = messages.get(0);
            try {
                NoticeCampaign page = Json.MAPPER.readValue(m.body(), NoticeCampaign.class);
                pages.process(page);
                sqs.deleteMessage(r -> r.queueUrl(pagesQueue).receiptHandle(m.receiptHandle()));
            } catch (KilledException e) {
                // The fan-out died mid-page: its page message stays unacknowledged. The notifier stops too.
                killed = true;
                long pause = System.nanoTime();
                stopWorkers.set(true);
                for (Thread w : workers) {
                    w.join();
                }
                sentAtKill = sink.distinct();
                System.out.printf("  killed the fan-out mid-page after %d notifications queued, %d emails sent; resuming%n",
                        queuedNotifications.get(), sentAtKill);
                stopWorkers.set(false);
                workers = startWorkers(sqs, mailQueue, notifier, stopWorkers, sendFailures);
                pausedNanos += System.nanoTime() - pause;
            }
        }
        long everyoneMailed = System.nanoTime();
        // Everyone has one email: let the workers drain what is left (redelivered copies the ledger must drop).
        while (queueDepth(sqs, mailQueue) > 0 && System.nanoTime() - start < Duration.ofMinutes(45).toNanos()) {
            Thread.sleep(500);
        }
        stopWorkers.set(true);
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (everyoneMailed - start - pausedNanos) / 1e9;
        Map<String, Long> progress = preferences.campaignProgress(campaign);
        System.out.println("fanout bench (" + recipients + " recipients; DynamoDB Local, ElasticMQ, S3Mock, SES sink; "
                + WORKERS + " notifier workers, pages of 100, no send-rate pause)");
        System.out.printf("  emails/s end to end      %8.0f   (target: above the SES account's sending rate; sandbox 1/s, "
                + "production accounts 14/s and up)%n", sink.distinct() / seconds);
        // The emulators share this JVM: DynamoDB Local keeps every ledger item and ElasticMQ every queued notice in
        // memory, so this grows with the audience; the fan-out itself holds one page of recipients at a time.
        System.out.printf("  peak heap of this JVM    %8d MB (target: under the 1024 MB a Lambda function gets; emulators "
                + "included)%n", peakHeap / (1024 * 1024));
        System.out.printf("  duplicates               %8d   (target 0)%n", sink.duplicates());
        System.out.printf("  emails after kill+resume %8d   (target %d, the audience; killed once: %s, %d sent before)%n",
                sink.distinct(), recipients, killed, sentAtKill);
        System.out.printf("  campaign progress        %s (transient send failures retried: %d)%n", progress,
                sendFailures.get());
        sink.stop();
        ses.close();
    }

    static final class KilledException extends RuntimeException {
        KilledException() {
            super("killed", null, false, false);
        }
    }

    private static int queueDepth(SqsClient sqs, String queue) {
        Map<String, String> attributes = sqs.getQueueAttributes(r -> r.queueUrl(queue).attributeNamesWithStrings(
                "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")).attributesAsStrings();
        return Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessages", "0"))
                + Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0"));
    }

    private static long usedHeap() {
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    /** Notifier workers as the SQS event source runs them: receive up to 10, send each, delete what is done. */
    private static List<Thread> startWorkers(SqsClient sqs, String queue, NotifierService notifier, AtomicBoolean stop,
                                             AtomicLong failures) {
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < WORKERS; i++) {
            Thread t = new Thread(() -> {
                while (!stop.get()) {
                    List<Message> batch = sqs.receiveMessage(r -> r.queueUrl(queue).maxNumberOfMessages(10)
                            .waitTimeSeconds(1)).messages();
                    for (Message m : batch) {
                        if (stop.get()) {
                            break; // not deleted: redelivered after the visibility timeout
                        }
                        try {
                            notifier.send(Json.MAPPER.readValue(m.body(), Notification.class));
                            sqs.deleteMessage(r -> r.queueUrl(queue).receiptHandle(m.receiptHandle()));
                        } catch (Exception e) {
                            failures.incrementAndGet();
                        }
                    }
                }
            }, "bench-notifier-" + i);
            t.start();
            threads.add(t);
        }
        return threads;
    }

    /** An SES endpoint that accepts SendRawEmail and counts each message by its To header. */
    static final class SesSink {
        private final HttpServer server;
        private final Map<String, AtomicInteger> perRecipient = new ConcurrentHashMap<>();
        private final AtomicInteger total = new AtomicInteger();

        private SesSink(HttpServer server) {
            this.server = server;
        }

        static SesSink start() throws IOException {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
            SesSink sink = new SesSink(server);
            server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
            server.createContext("/", exchange -> {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                String data = null;
                for (String pair : body.split("&")) {
                    if (pair.startsWith("RawMessage.Data=")) {
                        data = URLDecoder.decode(pair.substring("RawMessage.Data=".length()), StandardCharsets.UTF_8);
                    }
                }
                if (data != null) {
                    String raw = new String(Base64.getDecoder().decode(data), StandardCharsets.UTF_8);
                    java.util.regex.Matcher to = java.util.regex.Pattern.compile("(?m)^To: (.+)$").matcher(raw);
                    String recipient = to.find() ? to.group(1).strip() : "?";
                    sink.perRecipient.computeIfAbsent(recipient, k -> new AtomicInteger()).incrementAndGet();
                    sink.total.incrementAndGet();
                }
                byte[] answer = ("<SendRawEmailResponse xmlns=\"http://ses.amazonaws.com/doc/2010-12-01/\">"
                        + "<SendRawEmailResult><MessageId>" + java.util.UUID.randomUUID() + "</MessageId>"
                        + "</SendRawEmailResult><ResponseMetadata><RequestId>" + java.util.UUID.randomUUID()
                        + "</RequestId></ResponseMetadata></SendRawEmailResponse>").getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("content-type", "text/xml");
                exchange.sendResponseHeaders(200, answer.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer);
                }
            });
            server.start();
            return sink;
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        int distinct() {
            return perRecipient.size();
        }

        int total() {
            return total.get();
        }

        int duplicates() {
            return total.get() - perRecipient.size();
        }

        void stop() {
            server.stop(0);
        }
    }
}
