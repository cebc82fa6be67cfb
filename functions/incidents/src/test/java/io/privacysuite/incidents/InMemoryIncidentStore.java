package io.privacysuite.incidents;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The breach register in memory, with the DynamoDB store's version check. */
final class InMemoryIncidentStore implements IncidentStore {
    final Map<String, Incident> incidents = new LinkedHashMap<>();
    final Map<String, List<Incident.Change>> trails = new LinkedHashMap<>();

    @Override
    public synchronized boolean create(Incident incident, Incident.Change opened) {
        if (incidents.containsKey(incident.incidentId())) {
            return false;
        }
        incidents.put(incident.incidentId(), incident);
        trails.computeIfAbsent(incident.incidentId(), k -> new ArrayList<>()).add(opened);
        return true;
    }

    @Override
    public synchronized boolean update(Incident changed, Incident.Change change) {
        Incident stored = incidents.get(changed.incidentId());
        if (stored == null || stored.version() != changed.version() - 1) {
            return false;
        }
        incidents.put(changed.incidentId(), changed);
        trails.get(changed.incidentId()).add(change);
        return true;
    }

    @Override
    public synchronized Optional<Incident> find(String incidentId) {
        return Optional.ofNullable(incidents.get(incidentId));
    }

    @Override
    public synchronized List<Incident.Change> trail(String incidentId) {
        return List.copyOf(trails.getOrDefault(incidentId, List.of()));
    }

    @Override
    public synchronized List<Incident> all() {
        List<Incident> out = new ArrayList<>(incidents.values());
        out.sort(Comparator.comparing(i -> i.details().awareAt()));
        return out;
    }
}
