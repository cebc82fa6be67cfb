package io.privacysuite.notify;

import io.privacysuite.requests.Tokens;
import java.util.Locale;
import java.util.regex.Pattern;

/** Normalising, checking and hashing email addresses; hashes are what logs, keys and the suppression list hold. */
public final class EmailAddresses {
    // Deliberately simple: one @, no spaces or angle brackets, a dot in the domain. The link proves the rest.
    private static final Pattern PLAUSIBLE = Pattern.compile("^[^\\s@<>(),;:\"\\[\\]]{1,64}@[^\\s@<>(),;:\"\\[\\]]+\\.[^\\s@<>(),;:\"\\[\\]]{2,}$");

    private EmailAddresses() {}

    public static String normalize(String address) {
        return address == null ? "" : address.strip().toLowerCase(Locale.ROOT);
    }

    public static boolean isPlausible(String address) {
        return address != null && address.length() <= 254 && PLAUSIBLE.matcher(address.strip()).matches();
    }

    /** SHA-256 (hex) of the lower-cased, trimmed address. */
    public static String hash(String address) {
        return Tokens.sha256Hex(normalize(address));
    }
}
