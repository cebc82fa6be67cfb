package io.privacysuite.fulfilment;

import java.util.List;
import java.util.Map;

/**
 * The verified person a request is about, and what they asked for: the keys connectors search by (address, its
 * hash, an optional {@code details.subjectId}) and, for rectification, the requested changes.
 */
public record Subject(String requestId, String email, String emailHash, String subjectId, List<String> consentIds,
                      Map<String, String> changes) {
    public Subject {
        consentIds = consentIds == null ? List.of() : List.copyOf(consentIds);
        changes = changes == null ? Map.of() : Map.copyOf(changes);
    }

    /** The lookup value for a source, or null when the person gave none (e.g. no subject id). */
    String keyFor(DataMap.Lookup lookup) {
        return switch (lookup) {
            case EMAIL -> email;
            case EMAIL_HASH -> emailHash;
            case SUBJECT_ID -> subjectId;
        };
    }
}
