package io.privacysuite.notify;

import io.privacysuite.core.Hashes;
import java.net.IDN;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checking, normalising and hashing email addresses; hashes are what logs, keys and the suppression list hold.
 *
 * <p>Intake accepts only what the notifier can really send through SES: a dot-atom ASCII local part (SES does not
 * offer SMTPUTF8; no quoted strings, no MIME encoded words, no control characters) at a domain of at least two LDH
 * labels whose top level is not numeric. A Unicode domain is accepted and used in its ASCII (punycode) form, the one
 * every component then sees.
 */
public final class EmailAddresses {
    private static final Pattern LOCAL = Pattern.compile(
            "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");
    private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final Pattern TOP_LEVEL = Pattern.compile("[a-z]{2,63}|xn--[a-z0-9-]{1,59}");

    private EmailAddresses() {}

    /**
     * The address as the suite stores and sends it: trimmed, lower-cased, the domain in ASCII; empty when the notifier
     * could not send to it.
     */
    public static Optional<String> canonical(String address) {
        if (address == null) {
            return Optional.empty();
        }
        String a = address.strip();
        if (a.isEmpty() || a.length() > 254 || a.chars().anyMatch(c -> Character.isISOControl(c)
                || Character.getType(c) == Character.FORMAT || Character.isWhitespace(c))) {
            return Optional.empty();
        }
        int at = a.lastIndexOf('@');
        if (at <= 0 || at == a.length() - 1 || a.indexOf('@') != at) {
            return Optional.empty();
        }
        String local = a.substring(0, at);
        // "=?" and "?=" are legal atext, but a MIME encoded word in a header is exactly what must never reach one.
        if (local.length() > 64 || !LOCAL.matcher(local).matches() || local.contains("=?") || local.contains("?=")) {
            return Optional.empty();
        }
        return asciiDomain(a.substring(at + 1)).map(domain -> local.toLowerCase(Locale.ROOT) + "@" + domain);
    }

    private static Optional<String> asciiDomain(String domain) {
        String ascii;
        try {
            ascii = IDN.toASCII(domain, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (ascii.length() > 253 || ascii.endsWith(".")) {
            return Optional.empty();
        }
        String[] labels = ascii.split("\\.", -1);
        if (labels.length < 2) {
            return Optional.empty();
        }
        for (String label : labels) {
            if (!LABEL.matcher(label).matches()) {
                return Optional.empty();
            }
        }
        return TOP_LEVEL.matcher(labels[labels.length - 1]).matches() ? Optional.of(ascii) : Optional.empty();
    }

    /** Whether the notifier can send to this address (see the class comment). */
    public static boolean isSendable(String address) {
        return canonical(address).isPresent();
    }

    /** The canonical form, or for an address that has none the trimmed lower-cased text (hashes stay stable). */
    public static String normalize(String address) {
        return address == null ? "" : canonical(address).orElseGet(() -> address.strip().toLowerCase(Locale.ROOT));
    }

    /**
     * The mailbox an address delivers to, for rate limits: the canonical form without a {@code +tag}, so that
     * {@code Ann+1@Example.org} and {@code ann@example.org} count as one.
     */
    public static String mailbox(String address) {
        String normalized = normalize(address);
        int at = normalized.lastIndexOf('@');
        int plus = normalized.indexOf('+');
        return plus > 0 && plus < at ? normalized.substring(0, plus) + normalized.substring(at) : normalized;
    }

    /** SHA-256 (hex) of the normalized address. */
    public static String hash(String address) {
        return Hashes.sha256Hex(normalize(address));
    }
}
