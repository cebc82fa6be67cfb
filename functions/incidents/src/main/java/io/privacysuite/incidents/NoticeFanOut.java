package io.privacysuite.incidents;

import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.EmailPreferences;
import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.NoticeCampaign;
import io.privacysuite.notify.Notification;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * One page of a notice to many people. Resumable and idempotent, whatever SQS redelivers or a crash interrupts:
 * <ol>
 *   <li>a page already counted is dropped (a duplicate of a page whose successor is queued);</li>
 *   <li>each recipient's notification id is fixed by campaign and address, so the notifier's send ledger sends each
 *       person one copy, also when the audience names them twice or a page is queued again;</li>
 *   <li>the next page is queued before this one is counted, so a crash in between repeats this page (no copy goes
 *       out twice, see 2) and never loses the rest of the audience;</li>
 *   <li>the next page waits {@code pageSize / sendRate} seconds (SQS delay, at most 15 minutes): the configured send
 *       rate, within what the account's SES quota allows.</li>
 * </ol>
 */
public final class NoticeFanOut {
    static final Set<String> LOCALES = Set.of("en", "fr", "nl", "de");

    /** Queues the next page of a campaign after a delay. */
    public interface PageQueue {
        void queue(NoticeCampaign page, int delaySeconds);
    }

    public record Result(boolean duplicate, int queued, int invalid, boolean last) {}

    private final AudienceReader audiences;
    private final NotificationSender notifications;
    private final PageQueue pages;
    private final EmailPreferences progress;
    private final int pageSize;
    private final double sendRatePerSecond;
    private final Clock clock;

    public NoticeFanOut(AudienceReader audiences, NotificationSender notifications, PageQueue pages,
                        EmailPreferences progress, int pageSize, double sendRatePerSecond, Clock clock) {
        if (pageSize < 1 || pageSize > 1000) {
            throw new IllegalArgumentException("page size must be 1..1000");
        }
        if (!(sendRatePerSecond > 0)) {
            throw new IllegalArgumentException("send rate must be positive");
        }
        this.audiences = audiences;
        this.notifications = notifications;
        this.pages = pages;
        this.progress = progress;
        this.pageSize = pageSize;
        this.sendRatePerSecond = sendRatePerSecond;
        this.clock = clock;
    }

    public Result process(NoticeCampaign page) {
        EmailTemplate template = EmailTemplate.fromWire(page.template())
                .orElseThrow(() -> new IllegalArgumentException("unknown template"));
        if (progress.pageCounted(page.campaign(), page.pageId())) {
            return new Result(true, 0, 0, false);
        }
        AudienceReader.Page read = audiences.read(page.audience(), page.cursor(), page.after(), pageSize);
        List<Notification> batch = read.recipients().stream().map(r -> Notification.notice(
                noticeId(page.campaign(), r.email()), template, locale(r, page.defaultLocale()), r.email(),
                page.data(), page.campaign())).toList();
        notifications.sendAll(batch);
        if (!read.end()) {
            pages.queue(page.next(read.next(), read.after()), delaySeconds(batch.size() + read.invalid()));
        }
        progress.countQueued(page.campaign(), page.pageId(), batch.size(), read.invalid(), clock.instant());
        return new Result(false, batch.size(), read.invalid(), read.end());
    }

    /** The same for every delivery of a campaign to one address (any spelling of it): the send ledger's key. */
    static String noticeId(String campaign, String email) {
        return "notice-" + campaign + "-" + EmailAddresses.hash(email).substring(0, 40);
    }

    int delaySeconds(int sentInPage) {
        return (int) Math.min(900, Math.ceil(sentInPage / sendRatePerSecond));
    }

    private static String locale(NoticeCampaign.Recipient r, String fallback) {
        return r.locale() != null && LOCALES.contains(r.locale()) ? r.locale() : fallback;
    }
}
