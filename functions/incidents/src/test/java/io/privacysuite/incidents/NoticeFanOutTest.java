package io.privacysuite.incidents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.fixtures.InMemoryEmailPreferences;
import io.privacysuite.fixtures.MutableClock;
import io.privacysuite.notify.NoticeCampaign;
import io.privacysuite.notify.Notification;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class NoticeFanOutTest {
    final InMemoryEmailPreferences progress = new InMemoryEmailPreferences();
    final List<Notification> queued = new ArrayList<>();
    final Deque<NoticeCampaign> pages = new ArrayDeque<>();
    final List<Integer> delays = new ArrayList<>();
    final InMemoryAccountContacts accounts = new InMemoryAccountContacts();
    final AudienceReader inline = new StoredAudiences(null, "unused", accounts);

    NoticeFanOut fanOut(NotificationSender sender, double rate) {
        return new NoticeFanOut(inline, sender, (page, delay) -> {
            pages.add(page);
            delays.add(delay);
        }, progress, 10, rate, new MutableClock(Instant.parse("2026-11-29T10:00:00Z")));
    }

    static NoticeCampaign campaign(int people) {
        List<NoticeCampaign.Recipient> audience = IntStream.range(0, people)
                .mapToObj(i -> new NoticeCampaign.Recipient("p" + i + "@example.org", i % 2 == 0 ? "fr" : "xx"))
                .toList();
        return new NoticeCampaign("breach-1", "run1", "breach_notice", Map.of("nature", "n"), "en",
                new NoticeCampaign.Audience(null, audience), 0, 0);
    }

    /** Runs the chain of pages to its end; each page delivered {@code deliveries} times. */
    void drain(NoticeFanOut fanOut, int deliveries) {
        while (!pages.isEmpty()) {
            NoticeCampaign page = pages.poll();
            for (int i = 0; i < deliveries; i++) {
                fanOut.process(page);
            }
        }
    }

    @Test
    void shouldQueueEveryoneOnce_pageByPage_atTheSendRate_inTheirLanguage() {
        pages.add(campaign(25));
        drain(fanOut(queued::add, 5), 1);

        assertThat(queued).hasSize(25);
        assertThat(queued).extracting(Notification::to).doesNotHaveDuplicates();
        assertThat(queued).extracting(Notification::campaign).containsOnly("breach-1");
        assertThat(queued).extracting(Notification::kind).containsOnly(Notification.TRANSACTIONAL);
        assertThat(queued.get(0).locale()).isEqualTo("fr");
        assertThat(queued.get(1).locale()).as("an unknown language falls back").isEqualTo("en");
        // Pages of ten at five per second: the next page two seconds later.
        assertThat(delays).containsExactly(2, 2);
        assertThat(progress.campaignProgress("breach-1")).containsEntry("queued", 25L);
    }

    static NoticeCampaign toAccounts(NoticeCampaign.Audience audience) {
        return new NoticeCampaign("policy-2", "run1", "policy_change", Map.of("summary", "s"), "en", audience, 0, 0);
    }

    @Test
    void allAccounts_shouldBeReadAScanPageAtATime_resumingAfterTheLastAccount_skippingThoseWithoutAddress() {
        for (int i = 0; i < 23; i++) {
            accounts.accounts.put(String.format("acct-%02d", i), i % 7 == 3 ? null : "a" + i + "@example.org");
        }
        pages.add(toAccounts(new NoticeCampaign.Audience(null, null, null, true)));
        drain(fanOut(queued::add, 1000), 2);

        // 23 accounts, three without an address (3, 10, 17): pages of ten, each delivered twice.
        assertThat(queued).extracting(Notification::to).doesNotHaveDuplicates().hasSize(20)
                .contains("a0@example.org", "a22@example.org").doesNotContain("a3@example.org");
        assertThat(progress.campaignProgress("policy-2")).containsEntry("queued", 20L).containsEntry("skipped", 3L);
    }

    @Test
    void accountsById_shouldMailThoseWithAnAddress_andCountTheRestSkipped() {
        accounts.accounts.put("acme", "ops@acme.example");
        accounts.accounts.put("erased", null);
        List<String> ids = new ArrayList<>(List.of("acme", "erased", "unknown"));
        IntStream.range(0, 12).forEach(i -> {
            accounts.accounts.put("c" + i, "c" + i + "@example.org");
            ids.add("c" + i);
        });
        pages.add(toAccounts(new NoticeCampaign.Audience(null, null, ids, null)));
        drain(fanOut(queued::add, 1000), 1);

        assertThat(queued).extracting(Notification::to).doesNotHaveDuplicates().hasSize(13)
                .contains("ops@acme.example", "c11@example.org");
        assertThat(progress.campaignProgress("policy-2")).containsEntry("queued", 13L).containsEntry("skipped", 2L);
    }

    @Test
    void aRedeliveredPage_shouldQueueNoSecondChain_andFixedIdsLetTheLedgerDropCopies() {
        pages.add(campaign(25));
        drain(fanOut(queued::add, 1000), 2);

        assertThat(new HashSet<>(queued.stream().map(Notification::id).toList())).hasSize(25);
        assertThat(queued).hasSize(25);
        assertThat(progress.campaignProgress("breach-1")).containsEntry("queued", 25L);
        assertThat(NoticeFanOut.noticeId("breach-1", "P3@Example.org"))
                .isEqualTo(NoticeFanOut.noticeId("breach-1", "p3@example.org"));
    }

    @Test
    void aCrashMidPage_shouldBeResumedByTheRedelivery_withNobodySkipped() {
        int[] calls = {0};
        NotificationSender crashingOnce = n -> {
            if (++calls[0] == 15) {
                throw new IllegalStateException("killed");
            }
            queued.add(n);
        };
        NoticeFanOut fanOut = fanOut(crashingOnce, 1000);
        pages.add(campaign(25));
        Set<String> ids = new HashSet<>();
        while (!pages.isEmpty()) {
            NoticeCampaign page = pages.peek();
            try {
                fanOut.process(page);
                pages.remove(page);
            } catch (IllegalStateException e) {
                // Not acknowledged: SQS delivers the same page again.
            }
        }
        queued.forEach(n -> ids.add(n.id()));

        assertThat(ids).hasSize(25);
        assertThat(progress.campaignProgress("breach-1")).containsEntry("queued", 25L);
    }

    @Test
    void shouldRefuseAnUnknownTemplate_andNonsenseRates() {
        NoticeCampaign bad = new NoticeCampaign("c", "r", "nope", Map.of(), "en",
                new NoticeCampaign.Audience(null, List.of()), 0, 0);
        assertThatThrownBy(() -> fanOut(queued::add, 1).process(bad)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> fanOut(queued::add, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void csvLines_shouldGiveSendableRecipients_only() {
        assertThat(StoredAudiences.recipient("ann@example.org,fr")).isEqualTo(new NoticeCampaign.Recipient("ann@example.org", "fr"));
        assertThat(StoredAudiences.recipient("\"bob@example.org\"")).isEqualTo(new NoticeCampaign.Recipient("bob@example.org", null));
        assertThat(StoredAudiences.recipient("not an address")).isNull();
        assertThat(StoredAudiences.recipient("a@example.org,en,extra")).isNull();
        assertThat(StoredAudiences.recipient("a\u0000b@example.org")).isNull();
    }
}
