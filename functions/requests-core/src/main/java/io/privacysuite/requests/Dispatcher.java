package io.privacysuite.requests;

import io.privacysuite.notify.EmailTemplate;
import io.privacysuite.notify.Notification;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * After verification: emails the acknowledgement (with the due date and a status link) and queues the request
 * for processing, then records that both were sent. If anything fails in between, {@code dispatchedAt} stays
 * empty and the next link click or the scheduled sweep dispatches again, so nothing is lost; the processor is
 * idempotent on the request id, and a repeated acknowledgement is harmless.
 */
public final class Dispatcher {
    private final RequestStore store;
    private final Outbox outbox;
    private final String publicBaseUrl;
    private final Clock clock;

    public Dispatcher(RequestStore store, Outbox outbox, String publicBaseUrl, Clock clock) {
        this.store = store;
        this.outbox = outbox;
        this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl.substring(0, publicBaseUrl.length() - 1)
                : publicBaseUrl;
        this.clock = clock;
    }

    /**
     * Dispatches a verified request whose status token is {@code statusToken} (issued with the verification);
     * pass null to issue a fresh one (a re-dispatch: the first token's raw value was never stored).
     */
    public DsarRequest dispatch(DsarRequest request, String statusToken) {
        DsarRequest current = request;
        String token = statusToken;
        if (token == null) {
            token = Tokens.newToken();
            current = store.update(current.toBuilder().statusTokenHash(Tokens.sha256Hex(token)).build(), clock.instant());
        }
        outbox.notify(acknowledgement(current, token));
        outbox.process(ProcessingMessage.of(current));
        return markDispatched(current);
    }

    /**
     * Records the dispatch. The processor may pick the message up and write the request within milliseconds,
     * before this write: then the dispatch is recorded on its fresh copy instead of failing the person's click.
     */
    private DsarRequest markDispatched(DsarRequest sent) {
        DsarRequest latest = sent;
        for (int attempt = 1; ; attempt++) {
            try {
                return store.update(latest.dispatched(clock.instant()), clock.instant());
            } catch (RequestStore.ConcurrentChangeException e) {
                if (attempt == 3) {
                    throw e;
                }
                latest = store.find(sent.requestId(), clock.instant()).orElseThrow(() -> e);
                if (latest.dispatchedAt() != null) {
                    return latest;
                }
            }
        }
    }

    public String statusUrl(String requestId, String statusToken) {
        return publicBaseUrl + "/v1/requests/" + requestId + "?token=" + statusToken;
    }

    Notification acknowledgement(DsarRequest r, String statusToken) {
        Map<String, String> data = new LinkedHashMap<>();
        data.put("requestId", r.requestId());
        data.put("type", r.type().wire());
        data.put("receivedOn", r.deadline().receivedOn().toString());
        data.put("dueOn", r.deadline().dueOn().toString());
        data.put("statusUrl", statusUrl(r.requestId(), statusToken));
        data.put("siteId", r.siteId());
        return Notification.transactional("ack-" + r.requestId() + "-" + Instant.now(clock).toEpochMilli(),
                EmailTemplate.REQUEST_ACKNOWLEDGED, r.locale(), r.email(), data, r.requestId());
    }
}
