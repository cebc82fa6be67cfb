package io.privacysuite.consent;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.regex.Pattern;

/** Truncates IP addresses before anything is stored: IPv4 to /24 (last octet zeroed), IPv6 to /48. */
public final class IpAnonymizer {
    private static final Pattern IPV4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9a-fA-F:.]+");

    private IpAnonymizer() {}

    /** The truncated address, or null when the input is not an IP literal (nothing is resolved over DNS). */
    public static String anonymize(String ip) {
        if (ip == null || ip.isBlank()) {
            return null;
        }
        String candidate = ip.trim();
        var v4 = IPV4.matcher(candidate);
        if (v4.matches()) {
            for (int i = 1; i <= 4; i++) {
                if (Integer.parseInt(v4.group(i)) > 255) {
                    return null;
                }
            }
            return Integer.parseInt(v4.group(1)) + "." + Integer.parseInt(v4.group(2)) + "."
                    + Integer.parseInt(v4.group(3)) + ".0";
        }
        int zone = candidate.indexOf('%');
        if (zone >= 0) {
            candidate = candidate.substring(0, zone);
        }
        if (!candidate.contains(":") || !IPV6_CHARS.matcher(candidate).matches()) {
            return null;
        }
        try {
            // A literal with only hex digits, colons and dots is parsed, never looked up.
            byte[] bytes = InetAddress.getByName(candidate).getAddress();
            if (bytes.length == 4) {
                // IPv4-mapped IPv6 (::ffff:a.b.c.d): Java hands back the IPv4 address.
                return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + ".0";
            }
            for (int i = 6; i < 16; i++) {
                bytes[i] = 0;
            }
            return compress(bytes);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private static String compress(byte[] bytes) {
        // /48 keeps three groups; everything after is zero, so "a:b:c::" is the canonical short form.
        StringBuilder sb = new StringBuilder();
        for (int group = 0; group < 3; group++) {
            int value = ((bytes[group * 2] & 0xff) << 8) | (bytes[group * 2 + 1] & 0xff);
            sb.append(Integer.toHexString(value)).append(':');
        }
        return sb.append(':').toString();
    }
}
