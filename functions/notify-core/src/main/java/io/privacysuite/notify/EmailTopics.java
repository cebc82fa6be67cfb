package io.privacysuite.notify;

import java.util.List;

/**
 * The email topics a person sees on the preferences page. {@link #OPTIONAL}: marketing topics a person may opt out of
 * one by one (a {@link Notification#MARKETING} mail names one as its topic; opting out of {@link EmailPreferences#ALL_TOPICS}
 * covers them all). {@link #REQUIRED}: the transactional notices of the suite's modules, shown as not optional with the
 * reason: answers to a person's own request (GDPR Art. 12), breach notices (Art. 34) and privacy-policy changes
 * (Art. 13, 12(1)), which the law asks to reach the person whatever their marketing choices.
 */
public final class EmailTopics {
    public static final List<String> OPTIONAL = List.of("newsletter", "product_updates");
    public static final List<String> REQUIRED = List.of("requests", "breach_notices", "policy_changes");

    private EmailTopics() {}
}
