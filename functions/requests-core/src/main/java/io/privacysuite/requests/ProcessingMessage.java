package io.privacysuite.requests;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/**
 * What the processing queue carries for each verified request (schema version 1), for the fulfilment processor.
 * Delivery is at least once: consumers must be idempotent on {@code requestId}, and should re-read the request
 * record (it may have been rejected or extended since) before acting.
 *
 * @param subjectEmail     the verified address, the key most data sources are searched by
 * @param subjectEmailHash SHA-256 of the lower-cased address (how the suite's own tables key a person)
 * @param details          free-form details the person gave (e.g. the fields to rectify and their new values)
 * @param consentIds       consent ids the person supplied from their browser (the suite's own consent records)
 * @param dueOn            the legal deadline (a date in {@code timeZone}); {@code dueAt} the instant it is overdue
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProcessingMessage(int schemaVersion, String requestId, String type, String siteId, String subjectEmail,
                                String subjectEmailHash, String locale, Map<String, String> details,
                                List<String> consentIds, String receivedAt, String verifiedAt, String regime,
                                String timeZone, String dueOn, String dueAt) {
    public static final int SCHEMA_VERSION = 1;

    public static ProcessingMessage of(DsarRequest r) {
        return new ProcessingMessage(SCHEMA_VERSION, r.requestId(), r.type().wire(), r.siteId(), r.email(),
                r.emailHash(), r.locale(), r.details(), r.consentIds(), r.receivedAt().toString(),
                r.verifiedAt() == null ? null : r.verifiedAt().toString(), r.deadline().regime().name(),
                r.deadline().zone().getId(), r.deadline().dueOn().toString(), r.deadline().dueAt().toString());
    }
}
