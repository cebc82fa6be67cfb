package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import io.privacysuite.core.Metrics;
import io.privacysuite.core.retention.HoldIndex;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.core.secrets.Secret;
import io.privacysuite.fixtures.InMemoryEmailPreferences;
import io.privacysuite.fixtures.InMemoryRequestStore;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.fixtures.RecordingOutbox;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.Notification;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.ProcessingMessage;
import io.privacysuite.requests.Regime;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestType;
import io.privacysuite.requests.Tokens;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** FulfilmentService on in-memory stores and scripted sources: each outcome of a delivery, without an emulator. */
class FulfilmentServiceTest {
    private static final Instant RECEIVED = Instant.parse("2026-11-02T09:00:00Z");
    private static final ZoneId ZONE = ZoneId.of("Europe/Brussels");
    private static final String REQUEST_ID = "5b6f4e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final DataMap MAP = DataMap.parse("""
            {"schemaVersion":1,"sources":[
             {"id":"orders","kind":"dynamodb","table":"Orders","category":"orders","description":"Your orders",
              "lookup":{"attribute":"email","by":"email"},"erasure":{"mode":"delete"}},
             {"id":"crm","kind":"dynamodb","table":"Crm","category":"contact","description":"Your contact details",
              "lookup":{"attribute":"email","by":"email"},"erasure":{"mode":"delete"}}]}""", Env.of(Map.of()));

    private static final Secret LINK_SECRET = Secret.fixed(List.of("link-secret".getBytes(StandardCharsets.UTF_8)));

    private final MutableClock clock = new MutableClock(RECEIVED.plus(Duration.ofDays(1)));
    private volatile java.util.function.Supplier<HoldIndex> holds = HoldIndex::none;
    private final InMemoryRequestStore store = new InMemoryRequestStore(new RetentionPolicy(12));
    private final RecordingOutbox outbox = new RecordingOutbox();
    private final InMemoryEmailPreferences preferences = new InMemoryEmailPreferences();
    private final Map<String, String> files = new TreeMap<>();
    private final ByteArrayOutputStream metricLines = new ByteArrayOutputStream();
    private final ScriptedSource orders = new ScriptedSource(MAP.sources().get(0));
    private final ScriptedSource crm = new ScriptedSource(MAP.sources().get(1));
    private final FulfilmentService service = new FulfilmentService(
            new FulfilmentService.Stores(store, new MemoryExports(), preferences, () -> holds.get()),
            List.of(orders, crm), outbox,
            new Metrics("test", new PrintStream(metricLines, true, StandardCharsets.UTF_8), clock),
            new FulfilmentService.Settings("dpo@example.com", "https://privacy.example.com", 3, ZONE, LINK_SECRET), clock);

    /** A data source whose answers the test sets. */
    static final class ScriptedSource implements Connector {
        private final DataMap.Source source;
        List<Map<String, Object>> records = List.of();
        RuntimeException failure;
        int calls;
        Runnable onCall = () -> { };

        ScriptedSource(DataMap.Source source) {
            this.source = source;
        }

        @Override
        public DataMap.Source source() {
            return source;
        }

        private SourceOutcome answer(SourceOutcome.Builder outcome) {
            calls++;
            onCall.run();
            if (failure != null) {
                throw failure;
            }
            return outcome.build();
        }

        @Override
        public SourceOutcome collect(Subject subject, Instant now) {
            return answer(SourceOutcome.of(source).records(records).found(records.size()));
        }

        @Override
        public SourceOutcome erase(Subject subject, Instant now) {
            return answer(SourceOutcome.of(source).found(records.size()).deleted(records.size()));
        }

        @Override
        public SourceOutcome rectify(Subject subject, Instant now) {
            return answer(SourceOutcome.of(source).found(records.size()));
        }

        @Override
        public SourceOutcome flag(Subject subject, String flag, Instant now) {
            return answer(SourceOutcome.of(source).found(records.size()));
        }
    }

    final class MemoryExports implements ExportStore {
        @Override
        public Duration linkLifetime() {
            return Duration.ofDays(7);
        }

        @Override
        public void put(String requestId, String fileName, String contentType, String content) {
            files.put(requestId + "/" + fileName, content);
        }
    }

    private DsarRequest verified(RequestType type) {
        DsarRequest request = DsarRequest.builder().requestId(REQUEST_ID).type(type)
                .status(RequestStatus.VERIFIED).siteId("shop").email("ann@example.org").emailHash("hash-of-ann")
                .locale("nl").receivedAt(RECEIVED).deadline(new LegalClock(Regime.GDPR, ZONE).deadlineFor(RECEIVED))
                .verifiedAt(RECEIVED.plusSeconds(600))
                .audit(List.of(new AuditEntry(RECEIVED, "subject", "verify", "pending_verification", "verified", "link")))
                .build();
        return store.create(request, clock.instant());
    }

    private FulfilmentService.Outcome deliver(DsarRequest request, int receiveCount) {
        return service.process(ProcessingMessage.of(request), receiveCount, "delivery-" + receiveCount,
                Duration.ofMinutes(3));
    }

    private DsarRequest current() {
        return store.stored(REQUEST_ID).orElseThrow();
    }

    private List<String> actions() {
        return current().audit().stream().map(AuditEntry::action).toList();
    }

    @Test
    void shouldExportWhatEverySourceHolds_andEmailDownloadLinksToTheSuite() {
        orders.records = List.of(Map.of("orderId", "o-1"), Map.of("orderId", "o-2"));
        DsarRequest request = verified(RequestType.ACCESS);

        FulfilmentService.Outcome outcome = deliver(request, 1);

        assertThat(outcome.result()).isEqualTo(FulfilmentService.Result.COMPLETED);
        assertThat(files).containsOnlyKeys(REQUEST_ID + "/export.json", REQUEST_ID + "/export.html");
        assertThat(files.get(REQUEST_ID + "/export.json")).contains("o-1", "o-2", "\"orders\"");
        assertThat(current().status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(current().downloadTokenHash()).hasSize(64);
        assertThat(current().downloadExpiresAt()).isEqualTo(clock.instant().plus(Duration.ofDays(7)));
        assertThat(actions()).containsSubsequence("start_fulfilment", "source_done", "source_done", "complete");
        Notification email = outbox.notifications().get(0);
        assertThat(outbox.notifications()).hasSize(1);
        assertThat(email.template()).isEqualTo("export_ready");
        assertThat(email.id()).isEqualTo("export_ready-" + REQUEST_ID);
        assertThat(email.to()).isEqualTo("ann@example.org");
        assertThat(email.data().get("jsonUrl"))
                .startsWith("https://privacy.example.com/v1/requests/" + REQUEST_ID + "/download/export.json?token=");
        assertThat(email.data()).containsEntry("recordCount", "2").containsEntry("expiresOn", "2026-11-10");
    }

    @Test
    void shouldTellThePersonNothingIsHeld_whenNoSourceFoundAnything() {
        DsarRequest request = verified(RequestType.ERASURE);

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(outbox.notifications()).extracting(Notification::template).containsExactly("request_no_data");
        assertThat(current().status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(files).isEmpty();
    }

    @Test
    void shouldRecordAFailingSourceAndRetry_thenEscalateOnTheLastDelivery() {
        crm.failure = new Connector.SourceFailedException("crm: timed out", null);
        DsarRequest request = verified(RequestType.ERASURE);

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.RETRY);
        assertThat(current().status()).isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(actions()).contains("source_failed");
        assertThat(current().audit().stream().filter(e -> e.action().equals("source_failed")).findFirst().orElseThrow()
                .why()).isEqualTo("crm: timed out (delivery 1 of 3)");
        assertThat(outbox.notifications()).isEmpty();

        assertThat(deliver(current(), 3).result()).isEqualTo(FulfilmentService.Result.ESCALATED);
        assertThat(current().status()).isEqualTo(RequestStatus.NEEDS_ATTENTION);
        assertThat(outbox.notifications()).singleElement().satisfies(n -> {
            assertThat(n.template()).isEqualTo("operator_escalation");
            assertThat(n.to()).isEqualTo("dpo@example.com");
            assertThat(n.data()).containsEntry("failedSources", "crm").containsEntry("attempts", "3");
        });

        int callsBefore = orders.calls;
        assertThat(deliver(current(), 4).result()).as("a further delivery of an escalated request")
                .isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(orders.calls).isEqualTo(callsBefore);
    }

    /** Another delivery holds the request's lease for two more minutes; returns when it ends. */
    private Instant leasedByAnotherDelivery() {
        Instant until = clock.instant().plus(Duration.ofMinutes(2));
        store.acquireLease(REQUEST_ID, "other-delivery", until, clock.instant());
        return until;
    }

    @Test
    void shouldLeaveARequestAlone_whileAnotherDeliveryHoldsItsLease() {
        DsarRequest request = verified(RequestType.ACCESS);
        Instant otherUntil = leasedByAnotherDelivery();

        FulfilmentService.Outcome outcome = deliver(request, 2);

        assertThat(outcome.result()).isEqualTo(FulfilmentService.Result.BUSY);
        assertThat(outcome.leaseUntil()).isEqualTo(otherUntil);
        assertThat(orders.calls + crm.calls).isZero();
        assertThat(current().status()).isEqualTo(RequestStatus.VERIFIED);
        assertThat(outbox.processing()).as("a delivery the queue will retry queues nothing").isEmpty();
    }

    @Test
    void shouldQueueAFreshMessageForWhenTheLeaseEnds_whenTheQueuesLastDeliveryFindsAnotherRunning() {
        DsarRequest request = verified(RequestType.ACCESS);
        Instant otherUntil = leasedByAnotherDelivery();

        // maxReceives is 3 here: failing this delivery would send the message to the DLQ with no escalation.
        FulfilmentService.Outcome outcome = deliver(request, 3);

        assertThat(outcome.result()).isEqualTo(FulfilmentService.Result.REQUEUED);
        assertThat(outbox.processing()).containsExactly(ProcessingMessage.of(request));
        assertThat(outbox.processingDelays()).containsExactly(Duration.ofMinutes(2));
        assertThat(orders.calls + crm.calls).isZero();
        assertThat(current().status()).isEqualTo(RequestStatus.VERIFIED);
        assertThat(current().audit()).extracting(AuditEntry::action).doesNotContain("escalate");

        // The fresh message starts the count again: its first delivery, once the lease is free, runs the sources.
        store.releaseLease(REQUEST_ID, "other-delivery");
        assertThat(deliver(current(), 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);
    }

    @Test
    void shouldFailTheLastDelivery_whenTheFreshMessageCannotBeQueued() {
        DsarRequest request = verified(RequestType.ACCESS);
        leasedByAnotherDelivery();
        outbox.failSends(true);

        // The delivery fails, so SQS keeps the message (its DLQ, alarmed): nothing is dropped silently.
        assertThatThrownBy(() -> deliver(request, 3)).isInstanceOf(IllegalStateException.class);
        assertThat(orders.calls + crm.calls).isZero();
        assertThat(current().status()).isEqualTo(RequestStatus.VERIFIED);
    }

    @Test
    void shouldRecordAnObjectionInTheEmailPreferences_beforeAskingTheSources() {
        DsarRequest request = verified(RequestType.OBJECTION);

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(preferences.flagsOf("hash-of-ann")).containsExactly(EmailPreferences.OBJECTION);
        assertThat(outbox.notifications()).singleElement().satisfies(n -> {
            assertThat(n.template()).isEqualTo("request_completed");
            assertThat(n.data().get("note")).contains("no direct marketing");
        });
    }

    @Test
    void shouldLetAnOperatorsCloseStand_whenItLandsDuringTheDelivery() {
        DsarRequest request = verified(RequestType.ERASURE);
        orders.records = List.of(Map.of("orderId", "o-1"));
        List<DsarRequest> operatorClose = new ArrayList<>();
        // An operator rejects the request just before the processor's first write: that write finds a newer copy.
        store.beforeNextUpdate(() -> operatorClose.add(store.update(current()
                .transition(RequestStatus.REJECTED, clock.instant(), "alice", "reject", "duplicate"), clock.instant())));

        FulfilmentService.Outcome outcome = deliver(request, 1);

        assertThat(operatorClose).hasSize(1);
        assertThat(outcome.result()).isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(current().status()).isEqualTo(RequestStatus.REJECTED);
        assertThat(current().closeReason()).isEqualTo("duplicate");
        assertThat(outbox.notifications()).isEmpty();
    }

    @Test
    void shouldReadTheSourcesOfAnAccessRequest_whileItsStartIsBeingWritten() throws Exception {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        java.util.concurrent.CountDownLatch read = new java.util.concurrent.CountDownLatch(1);
        orders.onCall = read::countDown;
        boolean[] readDuringStart = {false};
        // The start write waits (at most 10 s) for the source read: done one after the other, it would wait in vain.
        store.beforeNextUpdate(() -> readDuringStart[0] = awaitQuietly(read, Duration.ofSeconds(10)));

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(readDuringStart[0]).as("the source was read while the start was written").isTrue();
        assertThat(actions()).containsSubsequence("start_fulfilment", "source_done", "complete");
        assertThat(current().status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(files.get(REQUEST_ID + "/export.json")).contains("o-1");
    }

    @Test
    void shouldEraseNothing_untilTheStartOfTheErasureIsWritten() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ERASURE);
        java.util.concurrent.CountDownLatch erased = new java.util.concurrent.CountDownLatch(1);
        List<RequestStatus> statusWhenErased = new ArrayList<>();
        orders.onCall = () -> {
            erased.countDown();
            statusWhenErased.add(current().status());
        };
        boolean[] erasedDuringStart = {true};
        // Were the sources run beside the start write, they would erase during this wait.
        store.beforeNextUpdate(() -> erasedDuringStart[0] = awaitQuietly(erased, Duration.ofMillis(500)));

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(erasedDuringStart[0]).as("a source erased while the start was being written").isFalse();
        assertThat(statusWhenErased).containsExactly(RequestStatus.IN_PROGRESS);
    }

    @Test
    void shouldFailTheDelivery_andExportNothing_whenTheStartOfAnAccessRequestCannotBeWritten() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        store.beforeNextUpdate(() -> {
            throw new IllegalStateException("requests table unreachable");
        });

        assertThatThrownBy(() -> deliver(request, 1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("requests table unreachable");

        assertThat(files).isEmpty();
        assertThat(outbox.notifications()).isEmpty();
        assertThat(current().status()).isEqualTo(RequestStatus.VERIFIED);
        assertThat(current().version()).isEqualTo(request.version());
        // The lease was given back: the next delivery completes it.
        assertThat(deliver(current(), 2).result()).isEqualTo(FulfilmentService.Result.COMPLETED);
        assertThat(actions()).containsSubsequence("start_fulfilment", "complete");
    }

    @Test
    void shouldWaitForTheStartWrite_whenInterruptedMeanwhile_neverLeavingItRunningPastTheDelivery() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        orders.onCall = () -> Thread.currentThread().interrupt(); // e.g. the invocation being stopped
        store.beforeNextUpdate(() -> pause(300)); // the start write is still in flight when the interrupt comes
        FulfilmentService.Outcome outcome;
        boolean interrupted;
        try {
            outcome = deliver(request, 1);
        } finally {
            interrupted = Thread.interrupted();
        }

        assertThat(interrupted).as("the interrupt is kept for the caller").isTrue();
        assertThat(outcome.result()).as("the start write landed: the delivery went on").isEqualTo(
                FulfilmentService.Result.COMPLETED);
        assertThat(store.writes()).extracting(DsarRequest::status).as("the start written before the completion")
                .containsSubsequence(RequestStatus.IN_PROGRESS, RequestStatus.COMPLETED);
        assertThat(actions()).containsSubsequence("start_fulfilment", "source_done", "complete");
    }

    @Test
    void shouldReadTheHoldsOnTheirOwnThread_andFinishThatReadBeforeASkippedDeliveryEnds_withoutFailingIt() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        java.util.concurrent.atomic.AtomicReference<Thread> readBy = new java.util.concurrent.atomic.AtomicReference<>();
        holds = () -> {
            readBy.set(Thread.currentThread());
            return HoldIndex.none();
        };
        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);
        assertThat(readBy.get()).as("read beside the request, not after it").isNotNull()
                .isNotSameAs(Thread.currentThread());

        // Completed now: a duplicate delivery needs no holds, and a failing read does not fail it, nor outlive it.
        java.util.concurrent.atomic.AtomicBoolean ended = new java.util.concurrent.atomic.AtomicBoolean();
        holds = () -> {
            pause(200);
            ended.set(true);
            throw new IllegalStateException("holds table unreachable (test)");
        };
        assertThat(deliver(current(), 2).result()).isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(ended).as("the holds read had ended when the delivery did").isTrue();

        // An open request needs them: their failure fails its delivery, with nothing exported or emailed.
        int emails = outbox.notifications().size();
        DsarRequest other = store.create(request.toBuilder().requestId("6b6f4e1a-2c3d-4e5f-8a9b-0c1d2e3f4a5b")
                .audit(request.audit().subList(0, 1)).build(), clock.instant());
        int calls = orders.calls;
        store.beforeNextUpdate(() -> pause(200)); // its start write, beside the holds read, takes a while
        assertThatThrownBy(() -> service.process(ProcessingMessage.of(other), 1, "delivery-1", Duration.ofMinutes(3)))
                .hasMessage("holds table unreachable (test)");
        assertThat(orders.calls).isEqualTo(calls);
        assertThat(outbox.notifications()).hasSize(emails);
        assertThat(store.stored(other.requestId()).orElseThrow().status())
                .as("its start write had landed when the delivery ended (never left running past the lease)")
                .isEqualTo(RequestStatus.IN_PROGRESS);
        assertThat(store.acquireLease(other.requestId(), "later", clock.instant().plusSeconds(60), clock.instant()))
                .as("its lease given back").isEmpty();
    }

    private static boolean awaitQuietly(java.util.concurrent.CountDownLatch latch, Duration atMost) {
        try {
            return latch.await(atMost.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void shouldCountARequestClosedAfterItsDueDate() {
        DsarRequest request = verified(RequestType.ERASURE);
        clock.set(request.deadline().dueAt().plusSeconds(60));

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(current().closedLate()).isTrue();
        assertThat(metricLines.toString(StandardCharsets.UTF_8)).contains("\"RequestsClosedLate\":1");
    }

    private static String tokenOf(String url) {
        return url.substring(url.indexOf("?token=") + "?token=".length());
    }

    @Test
    void shouldKeepTheAnswerOwedInTheCompletingWrite_andQueueItOnTheNextDelivery_whenTheQueueIsDown() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        outbox.failSends(true);

        assertThatThrownBy(() -> deliver(request, 1)).as("the queue refuses the answer: the delivery fails")
                .isInstanceOf(IllegalStateException.class);

        DsarRequest completed = current();
        assertThat(completed.status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(completed.pendingNotices()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo("export_ready-" + REQUEST_ID);
            assertThat(n.to()).isEqualTo("ann@example.org");
            assertThat(n.data()).as("no link token is stored").doesNotContainKeys("jsonUrl", "htmlUrl")
                    .containsEntry("recordCount", "1");
        });
        assertThat(outbox.notifications()).isEmpty();

        outbox.failSends(false);
        int sourceCalls = orders.calls;
        assertThat(deliver(completed, 2).result()).isEqualTo(FulfilmentService.Result.SKIPPED);

        assertThat(orders.calls).as("the sources do not run again").isEqualTo(sourceCalls);
        assertThat(outbox.notifications()).singleElement().satisfies(n -> {
            assertThat(n.id()).isEqualTo("export_ready-" + REQUEST_ID);
            assertThat(Tokens.matches(tokenOf(n.data().get("jsonUrl")), current().downloadTokenHash()))
                    .as("the re-sent link carries the one token whose hash the request holds").isTrue();
            assertThat(tokenOf(n.data().get("htmlUrl"))).isEqualTo(tokenOf(n.data().get("jsonUrl")));
        });
        assertThat(current().pendingNotices()).isEmpty();
        assertThat(deliver(current(), 3).result()).isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(outbox.notifications()).as("nothing owed any more").hasSize(1);
    }

    @Test
    void shouldGiveTheLeaseBackWhileTheAnswerIsMarkedQueued_andADuplicateDeliveryMeanwhileRunsNothingTwice() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        List<FulfilmentService.Result> duplicate = new ArrayList<>();
        // The third write (start, completion, then the answer marked queued): a duplicate delivery tries meanwhile,
        // for at most 10 s. Were the lease given back only after that write, it would find it held all along.
        store.beforeNextUpdate(() -> store.beforeNextUpdate(() -> store.beforeNextUpdate(() -> {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            FulfilmentService.Result result;
            do {
                result = deliver(current(), 2).result();
            } while (result == FulfilmentService.Result.BUSY && System.nanoTime() < until && pause());
            duplicate.add(result);
        })));

        assertThat(deliver(request, 1).result()).isEqualTo(FulfilmentService.Result.COMPLETED);

        assertThat(duplicate).as("the duplicate took the lease, found the request closed").containsExactly(
                FulfilmentService.Result.SKIPPED);
        assertThat(orders.calls).as("the sources ran once").isEqualTo(1);
        // It found the answer still owed and queued it again: the same id and link, which the notifier sends once.
        assertThat(outbox.notifications()).hasSize(2).extracting(Notification::id)
                .containsOnly("export_ready-" + REQUEST_ID);
        assertThat(outbox.notifications().get(1).data()).isEqualTo(outbox.notifications().get(0).data());
        assertThat(current().pendingNotices()).isEmpty();
        assertThat(current().status()).isEqualTo(RequestStatus.COMPLETED);
        assertThat(actions()).containsOnlyOnce("complete");
        assertThat(store.acquireLease(REQUEST_ID, "later", clock.instant().plusSeconds(60), clock.instant()))
                .as("the lease is free").isEmpty();
    }

    private static boolean pause() {
        return pause(5);
    }

    private static boolean pause(long millis) {
        try {
            Thread.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void shouldQueueTheSameLinkTwice_whenTheOwedAnswerWasQueuedButNotMarkedQueued() {
        orders.records = List.of(Map.of("orderId", "o-1"));
        DsarRequest request = verified(RequestType.ACCESS);
        // The answer reaches the queue, but the write that records it as queued (the third update) fails.
        store.beforeNextUpdate(() -> store.beforeNextUpdate(() -> store.beforeNextUpdate(() -> {
            throw new IllegalStateException("table unreachable (test)");
        })));

        assertThatThrownBy(() -> deliver(request, 1)).isInstanceOf(RuntimeException.class);
        assertThat(current().pendingNotices()).hasSize(1);
        deliver(current(), 2);

        assertThat(outbox.notifications()).hasSize(2).extracting(Notification::id).containsOnly("export_ready-" + REQUEST_ID);
        assertThat(outbox.notifications().get(1).data()).as("same id and same link: the notifier sends it once")
                .isEqualTo(outbox.notifications().get(0).data());
        assertThat(current().pendingNotices()).isEmpty();
    }

    @Test
    void shouldReissueTheLinkFromThePreviousSecret_afterARotation() {
        Secret rotated = Secret.fixed(List.of("new-secret".getBytes(StandardCharsets.UTF_8),
                "link-secret".getBytes(StandardCharsets.UTF_8)));
        DownloadLinks before = new DownloadLinks(LINK_SECRET);
        Instant expires = clock.instant().plus(Duration.ofDays(7));
        String token = before.issue(REQUEST_ID, expires);

        assertThat(new DownloadLinks(rotated).reissue(REQUEST_ID, expires, Tokens.sha256Hex(token))).contains(token);
        assertThat(new DownloadLinks(rotated).issue(REQUEST_ID, expires)).isNotEqualTo(token);
        assertThat(new DownloadLinks(Secret.fixed(List.of("other".getBytes(StandardCharsets.UTF_8))))
                .reissue(REQUEST_ID, expires, Tokens.sha256Hex(token))).isEmpty();
        assertThat(before.issue("other-request", expires)).isNotEqualTo(token);
    }

    @Test
    void shouldKeepTheEscalationOwed_whenTheQueueIsDownOnTheLastDelivery() {
        crm.failure = new Connector.SourceFailedException("crm: timed out", null);
        DsarRequest request = verified(RequestType.ERASURE);
        outbox.failSends(true);

        assertThatThrownBy(() -> deliver(request, 3)).isInstanceOf(IllegalStateException.class);
        assertThat(current().status()).isEqualTo(RequestStatus.NEEDS_ATTENTION);
        assertThat(current().pendingNotices()).extracting(Notification::template).containsExactly("operator_escalation");

        outbox.failSends(false);
        // An operator's redrive from the DLQ delivers it again.
        assertThat(deliver(current(), 1).result()).isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(outbox.notifications()).singleElement().satisfies(n -> {
            assertThat(n.template()).isEqualTo("operator_escalation");
            assertThat(n.data()).containsEntry("status", "needs_attention").containsEntry("attempts", "3");
        });
        assertThat(current().pendingNotices()).isEmpty();
    }

    @Test
    void shouldKeepBothRoutedRectificationEmailsOwed_whenTheQueueIsDown() {
        DsarRequest request = store.update(verified(RequestType.RECTIFICATION).toBuilder()
                .details(Map.of("name", "Ann B.")).build(), clock.instant());
        outbox.failSends(true);

        assertThatThrownBy(() -> deliver(request, 1)).isInstanceOf(IllegalStateException.class);
        assertThat(actions()).contains("route_to_operator");

        outbox.failSends(false);
        assertThat(deliver(current(), 2).result()).isEqualTo(FulfilmentService.Result.SKIPPED);
        assertThat(outbox.notifications()).extracting(Notification::template)
                .containsExactlyInAnyOrder("operator_rectification", "rectification_routed");
        assertThat(current().pendingNotices()).isEmpty();
    }
}
