package io.privacysuite.notifier;

import io.privacysuite.notify.Notification;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * Builds the raw MIME message SES {@code SendRawEmail} takes: multipart/alternative (text, then HTML), UTF-8,
 * and for marketing mail the RFC 8058 one-click unsubscribe headers (which SES's simple send cannot set).
 */
public final class MimeMessages {
    private final Session session = Session.getInstance(new Properties());
    private final InternetAddress from;

    public MimeMessages(String fromAddress) {
        try {
            this.from = new InternetAddress(fromAddress, true);
        } catch (MessagingException e) {
            throw new IllegalArgumentException("SENDER_EMAIL is not an address", e);
        }
    }

    public byte[] build(String to, TemplateRenderer.Rendered content, String unsubscribeUrl, String notificationId,
                        Instant now) {
        try {
            MimeMessage message = new MimeMessage(session);
            message.setFrom(from);
            message.setRecipient(MimeMessage.RecipientType.TO, new InternetAddress(to, true));
            message.setSubject(content.subject(), StandardCharsets.UTF_8.name());
            message.setSentDate(Date.from(now));
            if (unsubscribeUrl != null) {
                message.setHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">");
                message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
            } else {
                message.setHeader("Auto-Submitted", "auto-generated");
            }
            message.setHeader("X-Privacy-Suite-Notification", notificationId);
            MimeBodyPart text = new MimeBodyPart();
            text.setText(content.text(), StandardCharsets.UTF_8.name(), "plain");
            MimeBodyPart html = new MimeBodyPart();
            html.setText(content.html(), StandardCharsets.UTF_8.name(), "html");
            MimeMultipart alternative = new MimeMultipart("alternative");
            alternative.addBodyPart(text);
            alternative.addBodyPart(html);
            message.setContent(alternative);
            message.saveChanges();
            ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
            message.writeTo(out);
            return out.toByteArray();
        } catch (MessagingException e) {
            throw new IllegalArgumentException("cannot build message " + notificationId, e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
