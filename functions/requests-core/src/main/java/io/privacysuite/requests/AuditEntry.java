package io.privacysuite.requests;

import java.time.Instant;

/**
 * One state change of a request: who did it, when, from which status to which, and why.
 * {@code actor} is {@code subject} (the person, by their link), {@code system} or an operator's name.
 */
public record AuditEntry(Instant at, String actor, String action, String from, String to, String why) {}
