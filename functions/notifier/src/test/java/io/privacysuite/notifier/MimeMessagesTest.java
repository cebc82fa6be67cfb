package io.privacysuite.notifier;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.io.ByteArrayInputStream;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class MimeMessagesTest {
    private final MimeMessages mime = new MimeMessages("privacy@privacysuite.example");
    private final TemplateRenderer.Rendered content = new TemplateRenderer.Rendered("Bestätigung – Ihre Anfrage",
            "Grüße\n", "<p>Grüße</p>");

    private static MimeMessage parse(byte[] raw) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
    }

    @Test
    void shouldBuildMultipartAlternativeWithUtf8Subject() throws Exception {
        MimeMessage message = parse(mime.build("ann@example.org", content, null, "n-1", Instant.EPOCH));

        assertThat(message.getSubject()).isEqualTo("Bestätigung – Ihre Anfrage");
        assertThat(message.getFrom()[0].toString()).isEqualTo("privacy@privacysuite.example");
        assertThat(message.getAllRecipients()[0].toString()).isEqualTo("ann@example.org");
        MimeMultipart parts = (MimeMultipart) message.getContent();
        assertThat(parts.getContentType()).startsWith("multipart/alternative");
        assertThat(parts.getBodyPart(0).getContentType()).startsWith("text/plain");
        assertThat(parts.getBodyPart(0).getContent().toString()).isEqualTo("Grüße\n");
        assertThat(parts.getBodyPart(1).getContentType()).startsWith("text/html");
        assertThat(message.getHeader("Auto-Submitted", null)).isEqualTo("auto-generated");
        assertThat(message.getHeader("List-Unsubscribe")).isNull();
    }

    @Test
    void shouldCarryRfc8058OneClickHeaders_forMarketingMail() throws Exception {
        MimeMessage message = parse(mime.build("ann@example.org", content,
                "https://api.example.com/v1/email/unsubscribe?token=abc", "n-2", Instant.EPOCH));

        assertThat(message.getHeader("List-Unsubscribe", null)).isEqualTo("<https://api.example.com/v1/email/unsubscribe?token=abc>");
        assertThat(message.getHeader("List-Unsubscribe-Post", null)).isEqualTo("List-Unsubscribe=One-Click");
    }
}
