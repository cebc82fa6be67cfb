package io.privacysuite.fulfilment;

import java.util.List;
import java.util.Map;

/**
 * The verified person a request is about, and what they asked for. Connectors search only by what the person proved:
 * the verified address (and its hash), consent ids proven by their keys, and {@code subjectIds} - identifiers signed
 * for this address by the company's app at intake, or resolved from the address by the data map. For rectification,
 * the requested changes. {@code holds} says what legal holds cover. {@code page}, for an export, is how the readable
 * page will read (language, zone): records are rendered for it as they are found (null: when it is written).
 */
public record Subject(String requestId, String email, String emailHash, List<String> subjectIds, List<String> consentIds,
                      Map<String, String> changes, Holds holds, ExportPackage.Page page) {
    public Subject {
        subjectIds = subjectIds == null ? List.of() : List.copyOf(subjectIds);
        consentIds = consentIds == null ? List.of() : List.copyOf(consentIds);
        changes = changes == null ? Map.of() : Map.copyOf(changes);
        holds = holds == null ? Holds.NONE : holds;
    }

    /** With no readable page known ahead. */
    public Subject(String requestId, String email, String emailHash, List<String> subjectIds, List<String> consentIds,
                   Map<String, String> changes, Holds holds) {
        this(requestId, email, emailHash, subjectIds, consentIds, changes, holds, null);
    }

    /** The lookup values for a source (none when the person proved no subject id). */
    List<String> keysFor(DataMap.Lookup lookup) {
        return switch (lookup) {
            case EMAIL -> List.of(email);
            case EMAIL_HASH -> List.of(emailHash);
            case SUBJECT_ID -> subjectIds;
        };
    }

    Subject withSubjectIds(List<String> ids, Holds newHolds) {
        return new Subject(requestId, email, emailHash, ids, consentIds, changes, newHolds, page);
    }
}
