package io.privacysuite.incidents;

import java.util.List;
import java.util.Optional;

/** The breach register: incidents and their append-only audit trails ({@link IncidentsTable}). */
public interface IncidentStore {
    /** Stores a new incident with its first audit entry; false when the id exists already. */
    boolean create(Incident incident, Incident.Change opened);

    /**
     * Replaces the incident whose stored version is {@code changed.version() - 1} and appends {@code change}, both or
     * neither; false when someone else changed it first (read again and retry).
     */
    boolean update(Incident changed, Incident.Change change);

    Optional<Incident> find(String incidentId);

    /** The audit trail, oldest first. */
    List<Incident.Change> trail(String incidentId);

    /** Every incident in the register (breaches are few: a scan of the table). */
    List<Incident> all();
}
