package io.privacysuite.notify;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads an SES feedback notification (the JSON SES publishes to SNS for bounces and complaints) and lists the
 * addresses to suppress: recipients of permanent (hard) bounces and of complaints. Transient bounces are ignored.
 */
public final class SesFeedback {
    private SesFeedback() {}

    public record Suppression(String address, String reason) {}

    public static List<Suppression> suppressionsIn(JsonNode notification) {
        String type = notification.path("notificationType").asText(notification.path("eventType").asText(""));
        List<Suppression> out = new ArrayList<>();
        if ("Bounce".equals(type) && "Permanent".equals(notification.path("bounce").path("bounceType").asText())) {
            for (JsonNode r : notification.path("bounce").path("bouncedRecipients")) {
                add(out, r.path("emailAddress").asText(""), "hard_bounce");
            }
        } else if ("Complaint".equals(type)) {
            for (JsonNode r : notification.path("complaint").path("complainedRecipients")) {
                add(out, r.path("emailAddress").asText(""), "complaint");
            }
        }
        return out;
    }

    private static void add(List<Suppression> out, String address, String reason) {
        if (EmailAddresses.isSendable(address)) {
            out.add(new Suppression(address, reason));
        }
    }
}
