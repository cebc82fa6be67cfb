package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.core.Hashes;
import io.privacysuite.core.Json;
import io.privacysuite.it.FaultProxy.Fault;
import io.privacysuite.it.FaultProxy.Plan;
import io.privacysuite.local.LocalSuite;
import io.privacysuite.local.emulators.Mailbox;
import io.privacysuite.local.template.Template;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Each pipeline runs a batch while the fault proxies between the functions and the emulators add latency, answer
 * 5xx and throttling errors and drop connections (before the call, or after the emulator applied it), and one
 * emulator disappears for seconds. Then the equation: every input was processed, or refused with a 4xx, or sits in a
 * dead-letter queue whose alarm (as template.yaml defines it) fires; nothing that must happen once happened twice
 * (emails, receipts, consent versions); nothing is half-written.
 */
class FaultInjectionIT extends IntegrationTest {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Map<String, String> REPORT = new LinkedHashMap<>();
    private TestBackends.FaultProxies proxies = TestBackends.faultProxies();
    private DynamoDbClient dynamo = stack.awsClients().dynamoDb();

    @AfterEach
    void stopFaults() {
        proxies.clear();
    }

    @AfterAll
    static void printReport() {
        StringBuilder out = new StringBuilder("fault injection: the equation per pipeline\n");
        REPORT.forEach((pipeline, line) -> out.append("  ").append(pipeline).append(": ").append(line).append('\n'));
        System.out.print(out);
    }

    private static Predicate<FaultProxy.Call> naming(String... tables) {
        return call -> {
            for (String table : tables) {
                if (call.body().contains("\"" + table + "\"")) {
                    return true;
                }
            }
            return false;
        };
    }

    private static Predicate<FaultProxy.Call> operations(String... names) {
        Set<String> set = Set.of(names);
        return call -> set.contains(call.operation());
    }

    private String table(String logicalId) {
        return stack.resources().tableName(logicalId);
    }

    private Map<Fault, Integer> snapshot() {
        Map<Fault, Integer> total = new java.util.EnumMap<>(Fault.class);
        proxies.all().forEach(p -> p.injected().forEach((k, v) -> total.merge(k, v, Integer::sum)));
        return total;
    }

    private static String delta(Map<Fault, Integer> before, Map<Fault, Integer> after) {
        Map<Fault, Integer> d = new java.util.EnumMap<>(Fault.class);
        after.forEach((k, v) -> {
            int n = v - before.getOrDefault(k, 0);
            if (n > 0) {
                d.put(k, n);
            }
        });
        return d.toString();
    }

    /** An HTTP call retried as a browser or banner client does after a 5xx or a dropped answer (same body, same id). */
    private static HttpResponse<String> withRetries(java.util.function.Supplier<HttpResponse<String>> call, int[] fivexx) {
        HttpResponse<String> last = null;
        for (int attempt = 0; attempt < 8; attempt++) {
            try {
                last = call.get();
                if (last.statusCode() < 500) {
                    return last;
                }
                fivexx[0]++;
            } catch (RuntimeException dropped) {
                fivexx[0]++;
            }
            sleep(150L * (attempt + 1));
        }
        return last;
    }

    // ------------------------------------------------------------------------------------------------ consents

    @Test
    void consentWrites_underDynamoDbFaults_eachRecordedExactlyOnce() {
        String site = newSite("faults");
        Map<Fault, Integer> before = snapshot();
        proxies.dynamodb().inject(Plan.rate(naming(table("ConsentsTable"), table("SitesTable"), table("RateLimitsTable")),
                0.3, FaultProxy.ALL));
        int batch = 40;
        int[] fivexx = {0};
        Map<String, String> consentIdByRequest = new LinkedHashMap<>();
        int refused = 0;
        for (int i = 0; i < batch; i++) {
            String requestId = UUID.randomUUID().toString();
            String body = "{\"method\":\"accept_all\",\"bannerVersion\":\"2026-11\",\"pageUrl\":\"https://shop.example.com/\","
                    + "\"clientRequestId\":\"" + requestId + "\"}";
            String ip = "198.51." + (i / 200) + "." + (1 + i % 200);
            HttpResponse<String> answer = withRetries(() -> http("POST", "/v1/sites/" + site + "/consents", body,
                    "origin", "https://shop.example.com", "x-forwarded-for", ip), fivexx);
            assertThat(answer).as("consent %d got an answer", i).isNotNull();
            if (answer.statusCode() >= 400) {
                assertThat(answer.statusCode()).as("a refusal is a 4xx: %s", answer.body()).isLessThan(500);
                refused++;
                continue;
            }
            assertThat(answer.statusCode()).isIn(200, 201);
            consentIdByRequest.put(requestId, json(answer).path("consentId").asText());
        }
        proxies.clear();
        String after = delta(before, snapshot());

        // Exactly one consent per request id, exactly one version each (a retry after a lost answer is the same consent).
        assertThat(new HashSet<>(consentIdByRequest.values())).hasSize(consentIdByRequest.size());
        int versions = 0;
        for (String consentId : consentIdByRequest.values()) {
            List<Map<String, AttributeValue>> items = dynamo.query(q -> q.tableName(table("ConsentsTable"))
                    .keyConditionExpression("pk = :pk").consistentRead(true)
                    .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("CONSENT#" + consentId)))).items();
            assertThat(items).as("versions of %s", consentId).hasSize(1);
            assertThat(items.get(0).get("key")).as("the stored version is whole").isNotNull();
            versions += items.size();
        }
        assertThat(consentIdByRequest.size() + refused).isEqualTo(batch);
        assertThat(after).isNotEqualTo("{}");
        REPORT.put("consent writes", batch + " in, faults " + after + ", " + fivexx[0] + " answers 5xx/dropped then retried; "
                + consentIdByRequest.size() + " recorded once (" + versions + " versions), " + refused + " refused 4xx, 0 DLQ");
    }

    // ------------------------------------------------------------------------------------------------ intake

    @Test
    void intake_underFaults_sendsEachStoredRequestExactlyOneVerificationEmail() {
        String site = newSite("faults-intake");
        Map<Fault, Integer> before = snapshot();
        proxies.dynamodb().inject(Plan.rate(naming(table("RequestsTable"), table("EmailPreferencesTable")), 0.25,
                FaultProxy.ALL));
        proxies.sqs().inject(Plan.rate(operations("SendMessage"), 0.3, FaultProxy.ALL));
        proxies.ses().inject(Plan.rate(operations("SendRawEmail", "SendEmail"), 0.3, FaultProxy.BEFORE_ONLY));
        List<String> addresses = new ArrayList<>();
        int[] fivexx = {0};
        int refused = 0;
        for (int i = 0; i < 15; i++) {
            String email = uniqueId("fi") + "@example.org";
            addresses.add(email);
            String body = "{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}";
            String ip = DataSubjectRequestIT.randomIp();
            HttpResponse<String> answer = withRetries(() -> http("POST", "/v1/requests", body, "x-forwarded-for", ip), fivexx);
            if (answer.statusCode() != 202) {
                assertThat(answer.statusCode()).as(answer.body()).isBetween(400, 499);
                refused++;
            }
        }
        String faults = delta(before, snapshot());
        proxies.clear();
        Equation eq = verificationEquation(addresses);
        assertThat(eq.halfWritten).as("stored requests without their verification email").isEmpty();
        assertThat(eq.duplicates).as("requests emailed twice").isEmpty();
        REPORT.put("intake -> verification email", addresses.size() + " in, faults " + faults + ", " + fivexx[0]
                + " answers 5xx/dropped then retried; " + eq.requests + " requests stored, each emailed once; "
                + refused + " refused 4xx; 0 half-written, 0 duplicates");
    }

    @Test
    void intake_whoseEmailCannotBeQueued_leavesNoRequestBehind_andItsRetryIsTheOneRequest() {
        String site = newSite("faults-queue");
        String email = uniqueId("fq") + "@example.org";
        String body = "{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}";
        String ip = DataSubjectRequestIT.randomIp();
        // More failures in a row than the SDK's attempts: the queue cannot be reached for this request.
        proxies.sqs().inject(Plan.atCalls(operations("SendMessage"), Fault.SERVER_ERROR, 1, 2, 3, 4, 5, 6));
        HttpResponse<String> failed = http("POST", "/v1/requests", body, "x-forwarded-for", ip);
        proxies.clear();
        assertThat(failed.statusCode()).isEqualTo(500);
        assertThat(storedRequestsOf(List.of(email))).as("nothing left that no link can reach").isEmpty();

        assertThat(http("POST", "/v1/requests", body, "x-forwarded-for", ip).statusCode()).isEqualTo(202);
        assertOneRequestEmailedOnce(email);
    }

    @Test
    void intake_whoseStoringAnswerIsLost_isStoredOnce_andAccepted() {
        String site = newSite("faults-lost");
        String email = uniqueId("fl") + "@example.org";
        // The transaction is applied, the answer dropped; the SDK retries the same transaction.
        proxies.dynamodb().inject(Plan.atCalls(operations("TransactWriteItems").and(naming(table("RequestsTable"))),
                Fault.RESET_AFTER, 1));
        HttpResponse<String> answer = http("POST", "/v1/requests", "{\"type\":\"access\",\"email\":\"" + email
                + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(proxies.dynamodb().injected()).containsKey(Fault.RESET_AFTER);
        proxies.clear();
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
        assertOneRequestEmailedOnce(email);
    }

    @Test
    void confirmationWhoseVerifyingWriteAnswerIsLost_isVerified_andProcessed() {
        String site = newSite("faults-confirm");
        String email = uniqueId("fv") + "@example.org";
        String link = verificationLink(site, email);
        String requestId = DataSubjectRequestIT.VERIFY_LINK.matcher(link).results().findFirst().orElseThrow().group(1);
        // The verifying write is applied, its answer dropped; the SDK's retry then meets the write it made itself.
        proxies.dynamodb().inject(Plan.atCalls(operations("PutItem").and(naming(table("RequestsTable")))
                .and(c -> c.body().contains(requestId) && c.body().contains("\"verified\"")), Fault.RESET_AFTER, 1));
        Confirmation confirmation = confirmLink(link);
        assertThat(proxies.dynamodb().injected()).containsKey(Fault.RESET_AFTER);
        proxies.clear();
        assertThat(confirmation.confirmed().statusCode()).as(confirmation.confirmed().body()).isEqualTo(200);
        assertThat(awaitProcessed(requestId).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void notifierClaimWhoseAnswerIsLost_sendsTheEmailAtOnce_andOnce() {
        String email = uniqueId("fc") + "@example.org";
        String id = uniqueId("claim");
        // The ledger claim is written, its answer dropped; the SDK's retry then meets the claim it made itself.
        proxies.dynamodb().inject(Plan.atCalls(operations("PutItem").and(c -> c.body().contains("SEND#" + id)),
                Fault.RESET_AFTER, 1));
        String requestId = UUID.randomUUID().toString();
        String body = "{\"id\":\"" + id + "\",\"kind\":\"transactional\",\"template\":\"request_verify\","
                + "\"locale\":\"en\",\"to\":\"" + email + "\",\"data\":{\"requestId\":\"" + requestId
                + "\",\"type\":\"access\",\"verifyUrl\":\"https://privacy.example.com/v1/requests/" + requestId
                + "/verify\",\"expiresInHours\":\"72\",\"dueOn\":\"2027-01-01\",\"siteId\":\"demo-shop\"},"
                + "\"ref\":\"" + requestId + "\"}";
        JsonNode result = stack.functions().invokeForJson("NotifierFunction", Map.of("Records", List.of(Map.of(
                "messageId", UUID.randomUUID().toString(), "body", body, "eventSource", "aws:sqs"))));
        assertThat(proxies.dynamodb().injected()).containsKey(Fault.RESET_AFTER);
        proxies.clear();
        assertThat(result.path("batchItemFailures")).as("sent now, not retried after the claim goes stale").isEmpty();
        assertThat(stack.mailbox().awaitEmailTo(email, Duration.ofSeconds(30))).isNotNull();
        // The same message again (SQS delivers at least once): the ledger says sent.
        stack.functions().invokeForJson("NotifierFunction", Map.of("Records", List.of(Map.of(
                "messageId", UUID.randomUUID().toString(), "body", body, "eventSource", "aws:sqs"))));
        sleep(1000);
        assertThat(stack.mailbox().to(email)).hasSize(1);
    }

    private void assertOneRequestEmailedOnce(String email) {
        Equation eq = verificationEquation(List.of(email));
        assertThat(eq.requests()).isEqualTo(1);
        assertThat(eq.halfWritten()).isEmpty();
        assertThat(eq.duplicates()).isEmpty();
    }

    /** What the requests of these addresses came to: emails per request id, stored requests without an email. */
    private record Equation(int requests, List<String> duplicates, List<String> halfWritten) {}

    private Equation verificationEquation(List<String> addresses) {
        Map<String, Integer> emailsPerRequest = new LinkedHashMap<>();
        Set<String> stored = new HashSet<>();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (true) {
            emailsPerRequest.clear();
            stored.clear();
            stored.addAll(storedRequestsOf(addresses));
            for (Mailbox.Email mail : stack.mailbox().all()) {
                if (addresses.stream().anyMatch(mail::isAddressedTo)) {
                    Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(mail.text());
                    if (m.find()) {
                        emailsPerRequest.merge(m.group(1), 1, Integer::sum);
                    }
                }
            }
            boolean settled = emailsPerRequest.keySet().containsAll(stored)
                    && stored.containsAll(emailsPerRequest.keySet()) && !stored.isEmpty();
            if (settled || System.nanoTime() > deadline) {
                break;
            }
            sleep(1000);
        }
        sleep(2000); // a duplicate would arrive within the notifier's next polls
        emailsPerRequest.clear();
        for (Mailbox.Email mail : stack.mailbox().all()) {
            if (addresses.stream().anyMatch(mail::isAddressedTo)) {
                Matcher m = DataSubjectRequestIT.VERIFY_LINK.matcher(mail.text());
                if (m.find()) {
                    emailsPerRequest.merge(m.group(1), 1, Integer::sum);
                }
            }
        }
        List<String> duplicates = emailsPerRequest.entrySet().stream().filter(e -> e.getValue() > 1)
                .map(Map.Entry::getKey).toList();
        List<String> halfWritten = stored.stream().filter(id -> !emailsPerRequest.containsKey(id)).toList();
        return new Equation(stored.size(), duplicates, halfWritten);
    }

    /** Ids of the requests stored for these addresses (the table keeps the address to answer the person). */
    private Set<String> storedRequestsOf(List<String> addresses) {
        Set<String> ids = new HashSet<>();
        dynamo.scanPaginator(s -> s.tableName(table("RequestsTable")).consistentRead(true)).items().forEach(item -> {
            AttributeValue email = item.get("email");
            AttributeValue id = item.get("requestId");
            if (email != null && id != null && addresses.contains(email.s())) {
                ids.add(id.s());
            }
        });
        return ids;
    }

    // ------------------------------------------------------------------------------------------------ processing

    @Test
    void processing_underFaults_completesEachRequestWithOneEmail_orParksItInTheAlarmedDlq() {
        String site = newSite("faults-proc");
        List<String> requestIds = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        List<String> links = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            String email = uniqueId("fp") + "@example.org";
            addresses.add(email);
            // Something to export: an order in the company's orders table (the tests' data map searches it).
            dynamo.putItem(p -> p.tableName(TestBackends.ORDERS_TABLE).item(Map.of(
                    "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS("o-" + UUID.randomUUID()),
                    "total", AttributeValue.fromS("12.50"))));
            links.add(verificationLink(site, email));
            Matcher id = DataSubjectRequestIT.VERIFY_LINK.matcher(links.get(i));
            assertThat(id.find()).isTrue();
            requestIds.add(id.group(1));
        }
        Map<Fault, Integer> before = snapshot();
        proxies.s3().ifPresent(s3 -> s3.inject(Plan.rate(operations("PUT"), 0.3, FaultProxy.ALL)));
        int[] fivexx = confirmUnderProcessingFaults(links);
        List<JsonNode> finished = new ArrayList<>();
        for (String id : requestIds) {
            finished.add(awaitProcessed(id));
        }
        String faults = delta(before, snapshot());
        proxies.clear();
        int completed = 0;
        int parked = 0;
        int emailsParked = 0;
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (int i = 0; i < requestIds.size(); i++) {
            while (readyEmails(addresses.get(i), requestIds.get(i)) == 0 && dlqDepth("NotificationsDLQ") == 0
                    && System.nanoTime() < deadline && !"needs_attention".equals(operator(Map.of("action", "status",
                    "requestId", requestIds.get(i))).path("status").asText())) {
                sleep(500);
            }
        }
        sleep(2000); // a duplicate would arrive within the notifier's next polls
        for (int i = 0; i < requestIds.size(); i++) {
            String id = requestIds.get(i);
            String status = operator(Map.of("action", "status", "requestId", id)).path("status").asText();
            if (status.equals("completed")) {
                completed++;
                String address = addresses.get(i);
                if (readyEmails(address, id) == 0) {
                    assertThat(dlqDepth("NotificationsDLQ")).as("the email of %s is neither sent nor parked", id)
                            .isGreaterThan(0);
                    assertThat(alarmFires("NotificationsDLQ")).isTrue();
                    emailsParked++;
                } else {
                    assertThat(readyEmails(address, id)).as("completion emails of %s", id).isEqualTo(1);
                }
                assertThat(subjects(address)).as("no email twice").doesNotHaveDuplicates();
            } else {
                assertThat(subjects(addresses.get(i))).as("no email twice").doesNotHaveDuplicates();
                assertThat(status).as("request %s neither completed nor escalated: %s", id, finished.get(i))
                        .isEqualTo("needs_attention");
                parked++;
            }
        }
        if (parked > 0) {
            assertThat(dlqDepth("RequestProcessingDLQ")).isGreaterThan(0);
            assertThat(alarmFires("RequestProcessingDLQ")).isTrue();
        }
        REPORT.put("processing -> export -> completion email", requestIds.size() + " in, faults " + faults + ", "
                + fivexx[0] + " confirmations answered 5xx then pressed again; "
                + completed + " completed (" + (completed - emailsParked) + " with exactly one email, " + emailsParked
                + " emails in the alarmed notifications DLQ), " + parked + " needs_attention in the alarmed DLQ");
    }

    @Test
    void processing_whoseAnswerCannotBeQueuedAfterTheCompletingWrite_emailsItOnceOnTheRedelivery_withAWorkingLink() {
        String site = newSite("faults-owed");
        String email = uniqueId("fw") + "@example.org";
        dynamo.putItem(p -> p.tableName(TestBackends.ORDERS_TABLE).item(Map.of("customerEmail", AttributeValue.fromS(email),
                "orderId", AttributeValue.fromS("o-" + UUID.randomUUID()), "total", AttributeValue.fromS("3.20"))));
        String link = verificationLink(site, email);
        Matcher id = DataSubjectRequestIT.VERIFY_LINK.matcher(link);
        assertThat(id.find()).isTrue();
        String requestId = id.group(1);
        // The queue refuses this request's answer on every attempt of the first two deliveries (the SDK tries 3 times).
        FaultProxy sqs = proxies.sqs();
        sqs.inject(Plan.atCalls(operations("SendMessage").and(c -> c.body().contains("export_ready-" + requestId)),
                Fault.SERVER_ERROR, 1, 2, 3, 4, 5, 6));
        int before = sqs.injectedTotal();

        assertThat(confirmLink(link).confirmed().statusCode()).isEqualTo(200);
        Mailbox.Email ready = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email)
                && e.text().contains("/v1/requests/" + requestId + "/download/export.json"), WAIT);
        int refused = sqs.injectedTotal() - before;
        sleep(2000); // a second copy would arrive within the notifier's next polls

        assertThat(refused).as("the completing write was applied before the queue refused its answer").isGreaterThanOrEqualTo(3);
        assertThat(operator(Map.of("action", "status", "requestId", requestId)).path("status").asText()).isEqualTo("completed");
        assertThat(readyEmails(email, requestId)).as("the answer, once").isEqualTo(1);
        Matcher download = DownloadLinkIT.DOWNLOAD.matcher(ready.text());
        assertThat(download.find()).isTrue();
        HttpResponse<String> file = http("GET", pathAndQuery(download.group()), null);
        assertThat(file.statusCode()).as("the link in the re-queued answer works").isEqualTo(302);
        Map<String, AttributeValue> item = dynamo.getItem(g -> g.tableName(table("RequestsTable")).consistentRead(true)
                .key(Map.of("pk", AttributeValue.fromS("REQ#" + requestId), "sk", AttributeValue.fromS("REQUEST")))).item();
        assertThat(item).as("nothing owed any more").doesNotContainKey("pendingNotices");
        assertThat(item.toString()).as("the token is not stored").doesNotContain(download.group(2));
        REPORT.put("processing answer refused by the queue after the completing write", "1 in, " + refused
                + " sends refused; completed, emailed once on a later delivery, link works");
    }

    @Test
    void erasure_underFaults_erasesEachSubjectOnce_withOneCompletionEmail() {
        String site = newSite("faults-erase");
        List<String> requestIds = new ArrayList<>();
        List<String> addresses = new ArrayList<>();
        List<String> links = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String email = uniqueId("fe") + "@example.org";
            addresses.add(email);
            dynamo.putItem(p -> p.tableName(TestBackends.ORDERS_TABLE).item(Map.of(
                    "customerEmail", AttributeValue.fromS(email), "orderId", AttributeValue.fromS("o-1"),
                    "total", AttributeValue.fromS("12.50"))));
            links.add(verificationLink(site, email, "erasure"));
            requestIds.add(DataSubjectRequestIT.VERIFY_LINK.matcher(links.get(i)).results().findFirst().orElseThrow()
                    .group(1));
        }
        Map<Fault, Integer> before = snapshot();
        int[] fivexx = confirmUnderProcessingFaults(links);
        for (String id : requestIds) {
            awaitProcessed(id);
        }
        String faults = delta(before, snapshot());
        proxies.clear();
        long deadline = System.nanoTime() + WAIT.toNanos();
        for (String address : addresses) {
            while (erasureEmails(address) == 0 && dlqDepth("NotificationsDLQ") == 0 && System.nanoTime() < deadline) {
                sleep(500);
            }
        }
        sleep(2000); // a duplicate would arrive within the notifier's next polls
        int completed = 0;
        for (int i = 0; i < requestIds.size(); i++) {
            String id = requestIds.get(i);
            String address = addresses.get(i);
            String status = operator(Map.of("action", "status", "requestId", id)).path("status").asText();
            assertThat(subjects(address)).as("no email twice").doesNotHaveDuplicates();
            if (status.equals("needs_attention")) {
                assertThat(dlqDepth("RequestProcessingDLQ")).isGreaterThan(0);
                continue;
            }
            assertThat(status).as("request %s", id).isEqualTo("completed");
            completed++;
            assertThat(dynamo.getItem(g -> g.tableName(TestBackends.ORDERS_TABLE).consistentRead(true).key(Map.of(
                    "customerEmail", AttributeValue.fromS(address), "orderId", AttributeValue.fromS("o-1"))))
                    .hasItem()).as("the order of %s erased", id).isFalse();
            if (erasureEmails(address) == 0) {
                assertThat(dlqDepth("NotificationsDLQ")).as("the email of %s is neither sent nor parked", id)
                        .isGreaterThan(0);
                assertThat(alarmFires("NotificationsDLQ")).isTrue();
            } else {
                assertThat(erasureEmails(address)).as("completion emails of %s", id).isEqualTo(1);
            }
        }
        REPORT.put("processing -> erasure -> completion email", requestIds.size() + " in, faults " + faults + ", "
                + fivexx[0] + " confirmations answered 5xx then pressed again; " + completed
                + " completed with their orders erased and one email each");
    }

    private static long erasureEmails(String address) {
        return stack.mailbox().to(address).stream()
                .filter(m -> m.subject().contains("Your erasure request is complete")).count();
    }

    /**
     * Faults on the requests and the company's tables, on every queueing and before SES, then each person confirms
     * (pressing Confirm again when the page answers with an error); returns how many answers were 5xx. Queueing fails
     * after the completing write too: the answer stays owed in the request until queued.
     */
    private int[] confirmUnderProcessingFaults(List<String> links) {
        proxies.dynamodb().inject(Plan.rate(naming(table("RequestsTable"), TestBackends.ORDERS_TABLE,
                TestBackends.REVIEWS_TABLE), 0.2, FaultProxy.ALL));
        proxies.sqs().inject(Plan.rate(operations("SendMessage"), 0.3, FaultProxy.ALL));
        proxies.ses().inject(Plan.rate(operations("SendRawEmail", "SendEmail"), 0.3, FaultProxy.BEFORE_ONLY));
        int[] fivexx = {0};
        for (String link : links) {
            HttpResponse<String> confirmed = withRetries(() -> {
                Confirmation c = confirmLink(link);
                return c.page().statusCode() >= 500 ? c.page() : c.confirmed();
            }, fivexx);
            assertThat(confirmed.statusCode()).as(confirmed.body()).isIn(200, 409);
        }
        return fivexx;
    }

    /** Submits an access request (no faults yet) and returns the emailed verification link. */
    private static String verificationLink(String site, String email) {
        return verificationLink(site, email, "access");
    }

    private static String verificationLink(String site, String email, String type) {
        HttpResponse<String> accepted = http("POST", "/v1/requests", "{\"type\":\"" + type + "\",\"email\":\"" + email
                + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        Mailbox.Email mail = stack.mailbox().awaitEmail(e -> e.isAddressedTo(email) && e.text().contains("/verify?token="),
                WAIT);
        return DataSubjectRequestIT.find(DataSubjectRequestIT.VERIFY_LINK, mail.text());
    }

    /** Emails with the download links of the request's export. */
    private static long readyEmails(String address, String requestId) {
        return stack.mailbox().to(address).stream()
                .filter(m -> m.text().contains("/v1/requests/" + requestId + "/download/export.json")).count();
    }

    /** The subjects of every email to the address: verification, acknowledgement, export ready, each once. */
    private static List<String> subjects(String address) {
        return stack.mailbox().to(address).stream().map(Mailbox.Email::subject).toList();
    }

    // ------------------------------------------------------------------------------------------------ retention

    @Test
    void ttlCascade_underDynamoDbFaults_writesOneReceiptPerDeletedVersion() {
        org.junit.jupiter.api.Assumptions.assumeTrue(stack.endpoints().realTimeTtl(), "this backend sweeps TTL hourly");
        // On the small tables of the TTL stack: in the shared ones, which other tests fill, DynamoDB Local's TTL worker
        // (20 items per 10 s) may not reach these consents within the wait.
        LocalSuite shared = stack;
        stack = TestBackends.ttlStack();
        proxies = TestBackends.ttlFaultProxies();
        dynamo = stack.awsClients().dynamoDb();
        try {
            ttlCascadeUnderFaults();
        } finally {
            proxies.clear();
            stack = shared;
        }
    }

    private void ttlCascadeUnderFaults() {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        List<String> ids = new ArrayList<>();
        Set<String> hashes = new HashSet<>();
        for (int i = 0; i < 4; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            // The newer version expires: TTL takes it, the cascade the older one (which has not expired yet).
            storeConsent(id, 1, now.minus(Duration.ofDays(300)), now.plus(Duration.ofDays(60)));
            storeConsent(id, 2, now.minus(Duration.ofDays(366)), now.minusSeconds(1));
            hashes.add(consentHash(id, 1));
            hashes.add(consentHash(id, 2));
        }
        Map<Fault, Integer> before = snapshot();
        proxies.dynamodb().inject(Plan.rate(operations("PutItem", "DeleteItem", "BatchWriteItem", "TransactWriteItems",
                "UpdateItem", "Query", "GetItem").and(naming(table("DeletionReceiptsTable"), table("ConsentsTable"))),
                0.25, FaultProxy.ALL));
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1))
                .until(() -> receiptsOf(hashes).size() >= hashes.size() || dlqDepth("RetentionStreamFailureQueue") > 0);
        String faults = delta(before, snapshot());
        proxies.clear();
        List<Map<String, AttributeValue>> receipts = receiptsOf(hashes);
        Map<String, Long> perKey = new LinkedHashMap<>();
        receipts.forEach(r -> perKey.merge(r.get("keyHash").s(), 1L, Long::sum));
        assertThat(perKey.values()).as("receipts per deleted version").allMatch(n -> n == 1);
        int parked = dlqDepth("RetentionStreamFailureQueue");
        if (receipts.size() < hashes.size()) {
            assertThat(parked).isGreaterThan(0);
            assertThat(alarmFires("RetentionStreamFailureQueue")).isTrue();
        } else {
            for (String id : ids) {
                assertThat(dynamo.query(q -> q.tableName(table("ConsentsTable")).keyConditionExpression("pk = :pk")
                        .consistentRead(true).expressionAttributeValues(Map.of(":pk",
                                AttributeValue.fromS("CONSENT#" + id)))).items()).as("versions left of %s", id).isEmpty();
            }
        }
        REPORT.put("TTL -> stream -> cascade -> receipt", hashes.size() + " versions in, faults " + faults + "; "
                + receipts.size() + " receipts, one per version, " + parked + " batches in the alarmed failure queue");
    }

    private void storeConsent(String consentId, int version, Instant recordedAt, Instant expiresAt) {
        ConsentRecord record = ConsentRecord.builder().consentId(consentId).version(version).siteId("faults-ttl")
                .siteGroup("group").categories(Categories.NONE).method(ConsentMethod.REJECT_ALL).bannerVersion("v1")
                .pageUrl("https://faults.example/").ipAnonymized("192.0.2.0").recordedAt(recordedAt)
                .validUntil(expiresAt).expiresAt(expiresAt).retentionRule("end_user_12m").key("k.sig").build();
        assertThat(new DynamoDbConsentStore(dynamo, table("ConsentsTable"), ConsentsTable.DEFAULT_SHARDS).append(record)).isTrue();
    }

    private static String consentHash(String consentId, int version) {
        return Hashes.sha256Hex("consents/pk=CONSENT#" + consentId + "|sk=" + String.format("V#%06d", version));
    }

    private List<Map<String, AttributeValue>> receiptsOf(Set<String> keyHashes) {
        return dynamo.scanPaginator(s -> s.tableName(table("DeletionReceiptsTable")).consistentRead(true)).items().stream()
                .filter(i -> i.containsKey("keyHash") && keyHashes.contains(i.get("keyHash").s())).toList();
    }

    // ------------------------------------------------------------------------------------------------ fan-out

    @Test
    void breachNoticeFanOut_underFaults_mailsEachPersonOnce_orParksThePageInTheAlarmedDlq() {
        String tag = uniqueId("ffan");
        List<String> audience = new ArrayList<>();
        for (int i = 0; i < 110; i++) { // two pages of the fan-out (100 per page)
            audience.add(tag + "-" + i + "@example.org");
        }
        String key = "audiences/" + tag + ".csv";
        stack.awsClients().s3().orElseThrow().putObject(r -> r.bucket(stack.resources().bucketName("ExportsBucket"))
                .key(key), software.amazon.awssdk.core.sync.RequestBody.fromString(String.join("\n", audience) + "\n"));
        String incidentId = BreachNoticeFanOutIT.openIncident("Faults " + tag);
        Map<Fault, Integer> before = snapshot();
        proxies.dynamodb().inject(Plan.rate(naming(table("EmailPreferencesTable"), table("IncidentsTable")), 0.2,
                FaultProxy.ALL));
        proxies.sqs().inject(Plan.rate(operations("SendMessage", "SendMessageBatch"), 0.3, FaultProxy.ALL));
        proxies.ses().inject(Plan.rate(operations("SendRawEmail", "SendEmail"), 0.3, FaultProxy.BEFORE_ONLY));
        // The operator starts the campaign again when the console answers with an error (same campaign, same ids).
        int retried = 0;
        JsonNode started = null;
        for (int attempt = 0; attempt < 8 && (started == null || started.has("error")); attempt++) {
            try {
                started = BreachNoticeFanOutIT.admin(Map.of("action", "notifyAffected", "incidentId", incidentId,
                        "operator", "alice", "audience", Map.of("csv", key), "whatYouCanDo", "Change your password."));
            } catch (RuntimeException failed) { // the function failed: Lambda answers the console with an error
                started = Json.object().put("error", String.valueOf(failed.getMessage()));
            }
            retried += started.has("error") ? 1 : 0;
        }
        assertThat(started.has("error")).as("the campaign starts: %s", started).isFalse();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (audience.stream().anyMatch(a -> stack.mailbox().to(a).isEmpty())
                && dlqDepth("NoticeFanOutDLQ") == 0 && dlqDepth("NotificationsDLQ") == 0 && System.nanoTime() < deadline) {
            sleep(500);
        }
        String faults = delta(before, snapshot());
        proxies.clear();
        sleep(3000); // a duplicate would arrive within the notifier's next polls
        long mailed = audience.stream().filter(a -> !stack.mailbox().to(a).isEmpty()).count();
        for (String address : audience) {
            assertThat(stack.mailbox().to(address).size()).as("notices to %s", address).isLessThanOrEqualTo(1);
        }
        int parkedPages = dlqDepth("NoticeFanOutDLQ");
        int parkedEmails = dlqDepth("NotificationsDLQ");
        if (mailed < audience.size()) {
            assertThat(parkedPages + parkedEmails).as("%d of %d mailed and nothing parked", mailed, audience.size())
                    .isGreaterThan(0);
            assertThat(alarmFires(parkedPages > 0 ? "NoticeFanOutDLQ" : "NotificationsDLQ")).isTrue();
        }
        REPORT.put("breach notice fan-out", audience.size() + " in (2 pages), faults " + faults + ", " + retried
                + " console starts answered with an error then repeated; " + mailed + " mailed exactly once, "
                + parkedPages + " pages and " + parkedEmails + " emails in the alarmed DLQs");
    }

    // ------------------------------------------------------------------------------------------------ accounts

    @Test
    void accountLifecycle_underDynamoDbFaults_appliesEachMessage_orParksItInTheAlarmedDlq() {
        List<String> accounts = new ArrayList<>();
        Map<Fault, Integer> before = snapshot();
        proxies.dynamodb().inject(Plan.rate(naming(table("AccountsTable"), table("SitesTable"), table("ConsentsTable"),
                table("DeletionReceiptsTable")), 0.25, FaultProxy.ALL));
        String queue = stack.resources().queueUrl("AccountLifecycleQueue");
        for (int i = 0; i < 6; i++) {
            String account = uniqueId("fault-acct");
            accounts.add(account);
            send(queue, Map.of("type", "created", "accountId", account, "occurredAt", "2026-01-15T09:00:00Z",
                    "name", "Faults " + i, "billingLast4", "4242"));
            send(queue, Map.of("type", "cancelled", "accountId", account, "occurredAt", "2026-05-10T12:00:00Z"));
        }
        int[] done = {0};
        await().atMost(WAIT).pollInterval(Duration.ofSeconds(1)).until(() -> {
            done[0] = (int) accounts.stream().filter(a -> "cancelled".equals(accountStatus(a))).count();
            return done[0] + dlqDepth("AccountLifecycleDeadLetterQueue") >= accounts.size();
        });
        String faults = delta(before, snapshot());
        proxies.clear();
        int parked = accounts.size() - done[0];
        if (parked > 0) {
            assertThat(alarmFires("AccountLifecycleDeadLetterQueue")).isTrue();
        }
        for (String account : accounts) {
            String status = accountStatus(account);
            assertThat(status).as("account %s is whole: created then cancelled, or still to be redriven", account)
                    .isIn("cancelled", "active", "unknown");
        }
        REPORT.put("account lifecycle", accounts.size() * 2 + " messages in, faults " + faults + "; " + done[0]
                + " accounts cancelled once, " + parked + " in the alarmed DLQ");
    }

    private static void send(String queue, Map<String, Object> message) {
        stack.awsClients().sqs().sendMessage(r -> r.queueUrl(queue).messageBody(Json.write(message)));
    }

    private static String accountStatus(String account) {
        JsonNode answer = stack.functions().invokeForJson("RetentionAdminFunction",
                Map.of("action", "accountStatus", "accountId", account));
        if (answer.has("error")) {
            return "unknown";
        }
        return answer.path("account").path("status").asText(answer.path("status").asText("unknown"));
    }

    // ------------------------------------------------------------------------------------------------ outage

    @Test
    void queueEmulatorGoneForSecondsMidBatch_intakeRecoversWithoutLossOrDuplicates() {
        String site = newSite("faults-outage");
        List<String> addresses = new ArrayList<>();
        int[] fivexx = {0};
        Thread back = null;
        for (int i = 0; i < 12; i++) {
            if (i == 4) {
                back = proxies.sqs().disappearFor(Duration.ofSeconds(4));
            }
            String email = uniqueId("fo") + "@example.org";
            addresses.add(email);
            String body = "{\"type\":\"access\",\"email\":\"" + email + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}";
            String ip = DataSubjectRequestIT.randomIp();
            HttpResponse<String> answer = withRetries(() -> http("POST", "/v1/requests", body, "x-forwarded-for", ip), fivexx);
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(202);
            sleep(300);
        }
        join(back);
        Equation eq = verificationEquation(addresses);
        assertThat(eq.halfWritten).as("stored requests without their verification email").isEmpty();
        assertThat(eq.duplicates).as("requests emailed twice").isEmpty();
        assertThat(fivexx[0]).as("the outage was felt").isGreaterThan(0);
        REPORT.put("SQS gone 4 s mid-batch (intake + notifier pollers)", addresses.size() + " in, " + fivexx[0]
                + " answers 5xx/dropped then retried; " + eq.requests + " requests stored, each emailed once, 0 lost");
    }

    // ------------------------------------------------------------------------------------------------ DLQ branch

    /**
     * SES stays down until every verification email has used up its receives: the emails sit in the notifications
     * DLQ, whose alarm fires; after SES is back, the operator's redrive (SQS StartMessageMoveTask from the DLQ to its
     * source queue, README "Dead-letter queues") sends each exactly once. The queue's visibility timeout is shortened
     * on the test stack for the duration (the receives run out in seconds instead of minutes); maxReceiveCount and
     * the DLQ are the template's.
     */
    @Test
    void sesDownUntilTheEmailsExhaustTheirReceives_parksThemInTheAlarmedDlq_andTheRedriveSendsEachOnce() {
        String site = newSite("faults-dlq");
        String queue = stack.resources().queueUrl("NotificationsQueue");
        String dlq = stack.resources().queueUrl("NotificationsDLQ");
        String visibility = queueAttribute(queue, "VisibilityTimeout");
        int maxReceives = tree(queueAttribute(queue, "RedrivePolicy")).path("maxReceiveCount").asInt();
        assertThat(dlqDepth("NotificationsDLQ")).as("the DLQ is empty before").isZero();
        List<String> addresses = new ArrayList<>();
        Map<Fault, Integer> before = snapshot();
        proxies.ses().inject(Plan.rate(operations("SendRawEmail", "SendEmail"), 1.0, Fault.SERVER_ERROR));
        setQueueAttribute(queue, "VisibilityTimeout", "1");
        try {
            for (int i = 0; i < 6; i++) {
                String email = uniqueId("fd") + "@example.org";
                addresses.add(email);
                HttpResponse<String> accepted = http("POST", "/v1/requests", "{\"type\":\"access\",\"email\":\"" + email
                        + "\",\"siteId\":\"" + site + "\",\"locale\":\"en\"}", "x-forwarded-for", DataSubjectRequestIT.randomIp());
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            }
            await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> dlqDepth("NotificationsDLQ") >= addresses.size());
        } finally {
            setQueueAttribute(queue, "VisibilityTimeout", visibility);
        }
        String faults = delta(before, snapshot());
        Set<String> stored = storedRequestsOf(addresses);
        int parked = dlqDepth("NotificationsDLQ");
        assertThat(stored).as("every request stored (accepted with 202)").hasSize(addresses.size());
        assertThat(parked).as("in = processed + refused + in the DLQ: nothing was processed").isEqualTo(addresses.size());
        assertThat(alarmFires("NotificationsDLQ")).as("the template's alarm on the DLQ").isTrue();
        assertThat(addresses.stream().flatMap(a -> stack.mailbox().to(a).stream())).as("nothing sent meanwhile").isEmpty();
        List<String> parkedIds = new ArrayList<>();
        for (software.amazon.awssdk.services.sqs.model.Message m : stack.awsClients().sqs().receiveMessage(r -> r
                .queueUrl(dlq).maxNumberOfMessages(10).visibilityTimeout(0)
                .messageSystemAttributeNamesWithStrings("ApproximateReceiveCount")).messages()) {
            assertThat(Integer.parseInt(m.attributesAsStrings().get("ApproximateReceiveCount")))
                    .as("it used up its receives first").isGreaterThanOrEqualTo(maxReceives);
            parkedIds.add(tree(m.body()).path("id").asText());
        }
        assertThat(parkedIds).as("each email once in the DLQ").doesNotHaveDuplicates();

        // SES is back; the operator redrives the DLQ to its source queue.
        proxies.clear();
        assertThat(alarmFires("NotificationsDLQ")).as("still in ALARM until redriven").isTrue();
        stack.awsClients().sqs().startMessageMoveTask(r -> r.sourceArn(stack.resources().queueArn("NotificationsDLQ")));
        Equation eq = verificationEquation(addresses);
        assertThat(eq.requests()).isEqualTo(addresses.size());
        assertThat(eq.halfWritten()).as("requests whose email never came").isEmpty();
        assertThat(eq.duplicates()).as("emails sent twice").isEmpty();
        await().atMost(WAIT).until(() -> dlqDepth("NotificationsDLQ") == 0);
        assertThat(alarmFires("NotificationsDLQ")).as("back to OK").isFalse();
        REPORT.put("SES down until the DLQ (notifier, maxReceiveCount " + maxReceives + ")", addresses.size()
                + " in, faults " + faults + "; 0 processed, 0 refused, " + parked + " in the alarmed DLQ (ALARM); after"
                + " the redrive " + eq.requests() + " emailed exactly once, DLQ empty (OK)");
    }

    private static JsonNode tree(String json) {
        try {
            return Json.read(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String queueAttribute(String queueUrl, String name) {
        return stack.awsClients().sqs().getQueueAttributes(r -> r.queueUrl(queueUrl).attributeNamesWithStrings(name))
                .attributesAsStrings().get(name);
    }

    private static void setQueueAttribute(String queueUrl, String name, String value) {
        stack.awsClients().sqs().setQueueAttributes(r -> r.queueUrl(queueUrl).attributesWithStrings(Map.of(name, value)));
    }

    // ------------------------------------------------------------------------------------------------ queues, alarms

    private static int dlqDepth(String queueLogicalId) {
        Map<String, String> attributes = stack.awsClients().sqs().getQueueAttributes(r -> r
                .queueUrl(stack.resources().queueUrl(queueLogicalId))
                .attributeNamesWithStrings("ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"))
                .attributesAsStrings();
        return Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessages", "0"))
                + Integer.parseInt(attributes.getOrDefault("ApproximateNumberOfMessagesNotVisible", "0"));
    }

    /**
     * Whether an alarm template.yaml defines on the queue's visible messages is in ALARM now: CloudWatch does not run
     * here, so the alarm's own metric, threshold and comparison are evaluated against the queue.
     */
    static boolean alarmFires(String queueLogicalId) {
        String queueName = stack.resources().queueUrl(queueLogicalId).replaceAll(".*/", "");
        int visible = Integer.parseInt(stack.awsClients().sqs().getQueueAttributes(r -> r
                .queueUrl(stack.resources().queueUrl(queueLogicalId))
                .attributeNamesWithStrings("ApproximateNumberOfMessages")).attributesAsStrings()
                .getOrDefault("ApproximateNumberOfMessages", "0"));
        for (Template.Resource alarm : stack.template().resourcesOfType("AWS::CloudWatch::Alarm")) {
            Map<String, Object> p = alarm.properties();
            if (!"AWS/SQS".equals(p.get("Namespace")) || !"ApproximateNumberOfMessagesVisible".equals(p.get("MetricName"))) {
                continue;
            }
            for (Object dimension : (List<?>) p.getOrDefault("Dimensions", List.of())) {
                Map<?, ?> d = (Map<?, ?>) dimension;
                if ("QueueName".equals(d.get("Name")) && queueName.equals(stack.resolver().resolveToString(d.get("Value")))) {
                    double threshold = Double.parseDouble(String.valueOf(p.get("Threshold")));
                    String comparison = String.valueOf(p.get("ComparisonOperator"));
                    if (comparison.equals("GreaterThanThreshold") ? visible > threshold : visible >= threshold) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static void join(Thread thread) {
        if (thread == null) {
            return;
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
