package io.privacysuite.incidents;

import io.privacysuite.notify.EmailAddresses;
import io.privacysuite.notify.NoticeCampaign;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Audiences as operators provide them: a CSV in the exports bucket (read from the cursor's byte offset with a ranged
 * GET, so a page never reads the whole file), addresses given inline, or customer accounts' contact addresses
 * ({@link AccountContacts}: by id, or all of them a scan page at a time). A line is {@code email[,locale]}; blank lines
 * are skipped, a line that is no sendable address is counted as invalid.
 */
public final class StoredAudiences implements AudienceReader {
    /** Where operators upload audience CSVs in the exports bucket (its lifecycle deletes them after 7 days). */
    public static final String CSV_PREFIX = "audiences/";
    static final int MAX_LINE = 1000;

    private final S3Client s3;
    private final String bucket;
    private final AccountContacts accounts;

    public StoredAudiences(S3Client s3, String bucket, AccountContacts accounts) {
        this.s3 = s3;
        this.bucket = bucket;
        this.accounts = accounts;
    }

    @Override
    public Page read(NoticeCampaign.Audience audience, long cursor, String after, int max) {
        if (audience.addresses() != null) {
            return inline(audience.addresses(), cursor, max);
        }
        if (audience.accountIds() != null) {
            return byIds(audience.accountIds(), cursor, max);
        }
        if (audience.allAccounts() != null) {
            AccountContacts.Scan scan = accounts.all(after, max);
            return new Page(recipients(scan.emails()), scan.without(), cursor + scan.emails().size() + scan.without(),
                    scan.end(), scan.last());
        }
        return csv(audience.csvKey(), cursor, max);
    }

    @Override
    public boolean exists(NoticeCampaign.Audience audience) {
        if (audience.addresses() != null || audience.accounts()) {
            return true;
        }
        try {
            s3.headObject(r -> r.bucket(bucket).key(audience.csvKey()));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
                return false;
            }
            throw e;
        }
    }

    private static Page inline(List<NoticeCampaign.Recipient> all, long cursor, int max) {
        List<NoticeCampaign.Recipient> page = new ArrayList<>();
        int invalid = 0;
        int i = (int) cursor;
        for (; i < all.size() && page.size() + invalid < max; i++) {
            NoticeCampaign.Recipient r = all.get(i);
            if (r != null && r.email() != null && EmailAddresses.isSendable(r.email())) {
                page.add(r);
            } else {
                invalid++;
            }
        }
        return new Page(page, invalid, i, i >= all.size());
    }

    private Page byIds(List<String> ids, long cursor, int max) {
        int from = (int) Math.min(cursor, ids.size());
        int to = Math.min(ids.size(), from + max);
        List<String> emails = accounts.of(ids.subList(from, to));
        List<String> found = emails.stream().filter(e -> e != null && EmailAddresses.isSendable(e)).toList();
        return new Page(recipients(found), emails.size() - found.size(), to, to >= ids.size());
    }

    private static List<NoticeCampaign.Recipient> recipients(List<String> emails) {
        return emails.stream().map(e -> new NoticeCampaign.Recipient(e, null)).toList();
    }

    private Page csv(String key, long cursor, int max) {
        ResponseInputStream<GetObjectResponse> in;
        try {
            in = s3.getObject(r -> r.bucket(bucket).key(key).range("bytes=" + cursor + "-"));
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            if (e.statusCode() == 416 && cursor > 0) {
                // The range starts at the end of the object: nothing left.
                return new Page(List.of(), 0, cursor, true);
            }
            if (e instanceof NoSuchKeyException || e.statusCode() == 404) {
                throw new IllegalArgumentException("audience CSV not found in the exports bucket");
            }
            throw e;
        }
        List<NoticeCampaign.Recipient> page = new ArrayList<>();
        int invalid = 0;
        long position = cursor;
        boolean end = false;
        try (in) {
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (page.size() + invalid < max) {
                int lineBytes = readLine(in, line);
                if (lineBytes < 0) {
                    end = true;
                    break;
                }
                boolean header = position == 0;
                position += lineBytes;
                String text = line.toString(StandardCharsets.UTF_8).strip();
                if (text.isEmpty() || (header && text.toLowerCase(Locale.ROOT).startsWith("email"))) {
                    continue;
                }
                NoticeCampaign.Recipient r = recipient(text);
                if (r == null) {
                    invalid++;
                } else {
                    page.add(r);
                }
            }
            if (!end) {
                end = in.read() < 0;
            }
            if (!end) {
                in.abort();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Page(page, invalid, position, end);
    }

    /** One line into {@code line} (without the newline); the bytes consumed, newline included; -1 at the end. */
    private static int readLine(InputStream in, ByteArrayOutputStream line) throws IOException {
        line.reset();
        int consumed = 0;
        int b;
        while ((b = in.read()) >= 0) {
            consumed++;
            if (b == '\n') {
                return consumed;
            }
            if (line.size() < MAX_LINE) {
                line.write(b);
            }
        }
        return consumed == 0 ? -1 : consumed;
    }

    static NoticeCampaign.Recipient recipient(String line) {
        String[] parts = line.split(",", -1);
        if (parts.length > 2) {
            return null;
        }
        String email = unquote(parts[0]);
        if (!EmailAddresses.isSendable(email)) {
            return null;
        }
        String locale = parts.length == 2 ? unquote(parts[1]).toLowerCase(Locale.ROOT) : null;
        return new NoticeCampaign.Recipient(email, locale == null || locale.isEmpty() ? null : locale);
    }

    private static String unquote(String s) {
        String t = s.strip();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1).strip() : t;
    }
}
