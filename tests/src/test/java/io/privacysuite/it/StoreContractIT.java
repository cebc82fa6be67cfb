package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.consent.Categories;
import io.privacysuite.consent.ConsentMethod;
import io.privacysuite.consent.ConsentRecord;
import io.privacysuite.consent.ConsentStore;
import io.privacysuite.consent.ConsentsTable;
import io.privacysuite.consent.DynamoDbConsentStore;
import io.privacysuite.core.retention.RetentionPolicy;
import io.privacysuite.fixtures.InMemoryConsentStore;
import io.privacysuite.fixtures.InMemoryRequestStore;
import io.privacysuite.requests.AuditEntry;
import io.privacysuite.requests.DsarRequest;
import io.privacysuite.requests.DynamoDbRequestStore;
import io.privacysuite.requests.LegalClock;
import io.privacysuite.requests.Regime;
import io.privacysuite.requests.RequestStatus;
import io.privacysuite.requests.RequestStore;
import io.privacysuite.requests.RequestType;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The services' unit tests trust the in-memory stores of test-fixtures to behave as the DynamoDB ones do: the same
 * scenarios run here against both, the DynamoDB ones on the local suite's tables.
 */
class StoreContractIT extends IntegrationTest {
    private static final RetentionPolicy POLICY = new RetentionPolicy(12);

    static Stream<Arguments> requestStores() {
        Supplier<RequestStore> dynamo = () -> new DynamoDbRequestStore(stack.awsClients().dynamoDb(),
                stack.resources().tableName("RequestsTable"), POLICY);
        Supplier<RequestStore> memory = () -> new InMemoryRequestStore(POLICY);
        return Stream.of(Arguments.of("dynamodb", dynamo), Arguments.of("in-memory", memory));
    }

    static Stream<Arguments> consentStores() {
        Supplier<ConsentStore> dynamo = () -> new DynamoDbConsentStore(stack.awsClients().dynamoDb(),
                stack.resources().tableName("ConsentsTable"), ConsentsTable.DEFAULT_SHARDS);
        Supplier<ConsentStore> memory = InMemoryConsentStore::new;
        return Stream.of(Arguments.of("dynamodb", dynamo), Arguments.of("in-memory", memory));
    }

    private static DsarRequest pending(Instant receivedAt) {
        return DsarRequest.builder().requestId(UUID.randomUUID().toString()).type(RequestType.ACCESS)
                .status(RequestStatus.PENDING_VERIFICATION).siteId("contract").email("ann@example.org")
                .emailHash("h-" + UUID.randomUUID()).locale("en").receivedAt(receivedAt)
                .deadline(new LegalClock(Regime.GDPR, ZoneId.of("Europe/Brussels")).deadlineFor(receivedAt))
                .verifyTokenHash("v").verifyTokenExpiresAt(receivedAt.plus(Duration.ofHours(72)))
                .audit(List.of(new AuditEntry(receivedAt, "subject", "receive", "none", "pending_verification", "x")))
                .build();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestStores")
    void requestStoresShouldVersionWrites_expireUnverifiedRequests_andCountAllOrNothing(String name,
                                                                                      Supplier<RequestStore> make) {
        RequestStore store = make.get();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        DsarRequest created = store.create(pending(now), now);

        assertThat(created.version()).isEqualTo(1);
        assertThatThrownBy(() -> store.create(pending(now).toBuilder().requestId(created.requestId()).build(), now))
                .isInstanceOf(RequestStore.ConcurrentChangeException.class);
        // Still unverified: the local suite's sweeps (reminders, re-dispatch) must not pick these requests up.
        DsarRequest verified = store.update(created.toBuilder().locale("fr").build(), now);
        assertThat(verified.version()).isEqualTo(2);
        assertThat(verified.locale()).isEqualTo("fr");
        assertThatThrownBy(() -> store.update(created, now)).as("a stale copy")
                .isInstanceOf(RequestStore.ConcurrentChangeException.class);
        assertThat(store.find(created.requestId(), now)).hasValue(verified);
        assertThat(store.find("not-a-uuid", now)).isEmpty();

        DsarRequest unverified = store.create(pending(now), now);
        assertThat(store.find(unverified.requestId(), now.plus(Duration.ofHours(71)))).isPresent();
        assertThat(store.find(unverified.requestId(), now.plus(Duration.ofHours(72)))).as("past its link").isEmpty();

        String key = "k-" + UUID.randomUUID();
        List<RequestStore.Counter> counters = List.of(new RequestStore.Counter("addr", key, 0, 5),
                new RequestStore.Counter("ip", key, 0, 1));
        store.create(pending(now), now, counters);
        assertThatThrownBy(() -> store.create(pending(now), now, counters))
                .isInstanceOfSatisfying(RequestStore.CounterFullException.class, e -> assertThat(e.index()).isEqualTo(1));
        DsarRequest refused = pending(now);
        assertThatThrownBy(() -> store.create(refused, now, counters)).isInstanceOf(RequestStore.CounterFullException.class);
        assertThat(store.find(refused.requestId(), now)).as("nothing written for a refused request").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("requestStores")
    void requestStoresShouldGiveTheLeaseToOneHolderAtATime(String name, Supplier<RequestStore> make) {
        RequestStore store = make.get();
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        String id = store.create(pending(now), now).requestId();

        assertThat(store.acquireLease(id, "a", now.plusSeconds(60), now)).isEmpty();
        assertThat(store.acquireLease(id, "b", now.plusSeconds(60), now)).hasValue(now.plusSeconds(60));
        assertThat(store.acquireLease(id, "a", now.plusSeconds(90), now)).as("the holder again").isEmpty();
        store.releaseLease(id, "b");
        assertThat(store.acquireLease(id, "b", now.plusSeconds(60), now)).as("not b's to give back").isPresent();
        store.releaseLease(id, "a");
        assertThat(store.acquireLease(id, "b", now.plusSeconds(60), now)).isEmpty();
        assertThat(store.acquireLease(id, "c", now.plusSeconds(200), now.plusSeconds(61))).as("b's ran out").isEmpty();
        store.releaseLease(id, "c");
        assertThat(store.acquireLease(id, "d", now.plusSeconds(60), now)).as("given back").isEmpty();
        store.releaseLease(id, "d");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("consentStores")
    void consentStoresShouldAppendOnce_keepHistoryInOrder_andPageADayInTimeOrder(String name,
                                                                               Supplier<ConsentStore> make) {
        ConsentStore store = make.get();
        String site = "contract-" + UUID.randomUUID().toString().substring(0, 8);
        Instant day = Instant.now().truncatedTo(ChronoUnit.DAYS).minus(Duration.ofDays(1));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ConsentRecord r = consent(site, day.plusSeconds(60L * (5 - i)), 1);
            assertThat(store.append(r)).isTrue();
            expected.add(0, r.consentId());
        }
        ConsentRecord first = store.siteDay(site, LocalDate.ofInstant(day, ZoneOffset.UTC), null, 10).records().get(0);
        assertThat(store.append(first)).as("a version is put once").isFalse();
        ConsentRecord second = consent(site, day.plusSeconds(3600), 2).toBuilder().consentId(first.consentId()).build();
        assertThat(store.append(second)).isTrue();

        assertThat(store.history(first.consentId())).extracting(ConsentRecord::version).containsExactly(1, 2);
        assertThat(store.version(first.consentId(), 2)).hasValue(second);
        List<String> paged = new ArrayList<>();
        Map<String, String> next = null;
        int pages = 0;
        do {
            ConsentStore.Page page = store.siteDay(site, LocalDate.ofInstant(day, ZoneOffset.UTC), next, 2);
            page.records().stream().filter(r -> r.version() == 1).forEach(r -> paged.add(r.consentId()));
            next = page.nextKey();
            pages++;
        } while (next != null && pages < 10);
        assertThat(paged).containsExactlyElementsOf(expected);
    }

    private static ConsentRecord consent(String site, Instant at, int version) {
        return ConsentRecord.builder().consentId(UUID.randomUUID().toString()).version(version).siteId(site)
                .siteGroup(site).categories(Categories.NONE).method(ConsentMethod.REJECT_ALL).bannerVersion("v1")
                .pageUrl("https://contract.example/").recordedAt(at).validUntil(at.plus(Duration.ofDays(365)))
                .expiresAt(at.plus(Duration.ofDays(365)).truncatedTo(ChronoUnit.SECONDS)).retentionRule("end_user_12m")
                .key("k.sig").build();
    }
}
