package io.privacysuite.fulfilment;

import io.privacysuite.notify.EmailAddresses;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * A notice audience from the data map: the addresses held by named DynamoDB sources (looked up by email), read a scan
 * page at a time projecting only the address (and the TTL: items past it count as gone), canonicalised with
 * {@link EmailAddresses} (unsendable ones counted, not written), each written once to a CSV under {@code audiences/}
 * in the exports bucket, uploaded in parts of {@value #PART_BYTES} bytes. Webhook and suite sources cannot be listed
 * (a webhook answers for one person; the suite's data is consents and opt-outs), nor sources keyed by a hash or id.
 * The de-duplication set holds each distinct address once (about 100 bytes each).
 */
public final class DataMapAudience {
    static final int PART_BYTES = 5 * 1024 * 1024;
    public static final String PREFIX = "audiences/data-map/";
    /** What a placeholder the function's environment does not set resolves to (see {@link DataMapAudienceHandler}). */
    static final String UNSET = "https://unset.invalid";
    private static final Pattern CAMPAIGN = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final DataMap map;
    private final DynamoDbClient dynamo;
    private final S3Client s3;
    private final String bucket;
    private final int scanPage;
    private final int partBytes;

    public DataMapAudience(DataMap map, DynamoDbClient dynamo, S3Client s3, String bucket) {
        this(map, dynamo, s3, bucket, 1000, PART_BYTES);
    }

    /** With another scan page size (items) and upload part size (bytes; S3 wants 5 MB but for the last): tests. */
    public DataMapAudience(DataMap map, DynamoDbClient dynamo, S3Client s3, String bucket, int scanPage, int partBytes) {
        this.map = map;
        this.dynamo = dynamo;
        this.s3 = s3;
        this.bucket = bucket;
        this.scanPage = scanPage;
        this.partBytes = partBytes;
    }

    /** Per source: items read, addresses written (first seen there), unsendable ones, items without an address. */
    public record SourceCount(String source, long items, long written, long invalid, long withoutAddress) {}

    public record Result(String csv, long addresses, long duplicates, long invalid, List<SourceCount> sources) {}

    /** Checks the names first (nothing is written for a refused request), then writes the CSV. */
    public Result build(List<String> names, String campaign, Instant now) {
        if (campaign == null || !CAMPAIGN.matcher(campaign).matches()) {
            throw new IllegalArgumentException("campaign must be 1-40 lower-case letters, digits and dashes");
        }
        List<DataMap.Source> sources = sources(names);
        String key = PREFIX + campaign + "-" + STAMP.format(now) + ".csv";
        Set<String> seen = new HashSet<>();
        List<SourceCount> counts = new ArrayList<>();
        long duplicates = 0;
        long invalid = 0;
        try (CsvUpload out = new CsvUpload(key)) {
            out.write("email\n");
            for (DataMap.Source source : sources) {
                long items = 0;
                long written = 0;
                long bad = 0;
                long none = 0;
                Map<String, AttributeValue> start = null;
                long nowSeconds = now.getEpochSecond();
                do {
                    Map<String, AttributeValue> from = start;
                    ScanResponse page = dynamo.scan(r -> r.tableName(source.table()).limit(scanPage)
                            .projectionExpression("#e, #t")
                            .expressionAttributeNames(Map.of("#e", source.keyAttribute(), "#t", source.ttlAttribute()))
                            .exclusiveStartKey(from));
                    for (Map<String, AttributeValue> item : page.items()) {
                        if (expired(item.get(source.ttlAttribute()), nowSeconds)) {
                            continue;
                        }
                        items++;
                        AttributeValue v = item.get(source.keyAttribute());
                        if (v == null || v.s() == null) {
                            none++;
                            continue;
                        }
                        var address = EmailAddresses.canonical(v.s());
                        if (address.isEmpty()) {
                            bad++;
                        } else if (seen.add(address.get())) {
                            out.write(address.get() + "\n");
                            written++;
                        } else {
                            duplicates++;
                        }
                    }
                    start = page.hasLastEvaluatedKey() && !page.lastEvaluatedKey().isEmpty()
                            ? page.lastEvaluatedKey() : null;
                } while (start != null);
                invalid += bad;
                counts.add(new SourceCount(source.id(), items, written, bad, none));
            }
            out.complete();
        }
        return new Result(key, seen.size(), duplicates, invalid, List.copyOf(counts));
    }

    private static boolean expired(AttributeValue ttl, long nowSeconds) {
        if (ttl == null || ttl.n() == null) {
            return false;
        }
        try {
            return Long.parseLong(ttl.n()) <= nowSeconds;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The named sources, each once; unknown names and sources that cannot be listed refused together. */
    List<DataMap.Source> sources(List<String> names) {
        if (names == null || names.isEmpty() || names.size() > 50) {
            throw new IllegalArgumentException("sources must be a list of 1..50 data map source ids");
        }
        Map<String, DataMap.Source> byId = new LinkedHashMap<>();
        map.sources().forEach(s -> byId.put(s.id(), s));
        List<String> unknown = new ArrayList<>();
        List<String> notListable = new ArrayList<>();
        List<String> unset = new ArrayList<>();
        List<DataMap.Source> chosen = new ArrayList<>();
        for (String name : names) {
            DataMap.Source s = byId.get(name);
            if (s == null) {
                unknown.add(name.length() > 64 ? name.substring(0, 64) : name);
            } else if (s.kind() != DataMap.Kind.DYNAMODB || s.lookup() != DataMap.Lookup.EMAIL) {
                notListable.add(name + " (" + (s.kind() == DataMap.Kind.DYNAMODB
                        ? "looked up by " + s.lookup().name().toLowerCase(java.util.Locale.ROOT)
                        : s.kind().name().toLowerCase(java.util.Locale.ROOT)) + ")");
            } else if (s.table().contains(UNSET)) {
                unset.add(name);
            } else if (!chosen.contains(s)) {
                chosen.add(s);
            }
        }
        List<String> problems = new ArrayList<>();
        if (!unknown.isEmpty()) {
            problems.add("unknown data map source(s): " + String.join(", ", unknown) + " (known: "
                    + String.join(", ", byId.keySet()) + ")");
        }
        if (!notListable.isEmpty()) {
            problems.add("not enumerable: " + String.join(", ", notListable)
                    + "; only dynamodb sources looked up by email hold a list of addresses");
        }
        if (!unset.isEmpty()) {
            problems.add("table not set in this function's environment: " + String.join(", ", unset));
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return chosen;
    }

    /** The CSV as an S3 object: one PutObject when small, else a multipart upload of 5 MB parts (aborted on failure). */
    private final class CsvUpload implements AutoCloseable {
        private final String key;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        private final List<CompletedPart> parts = new ArrayList<>();
        private String uploadId;
        private boolean done;

        CsvUpload(String key) {
            this.key = key;
        }

        void write(String text) {
            buffer.writeBytes(text.getBytes(StandardCharsets.UTF_8));
            if (buffer.size() >= partBytes) {
                flushPart();
            }
        }

        private void flushPart() {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(r -> r.bucket(bucket).key(key).contentType("text/csv")).uploadId();
            }
            int number = parts.size() + 1;
            String etag = s3.uploadPart(r -> r.bucket(bucket).key(key).uploadId(uploadId).partNumber(number),
                    RequestBody.fromBytes(buffer.toByteArray())).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
            buffer.reset();
        }

        void complete() {
            if (uploadId == null) {
                s3.putObject(r -> r.bucket(bucket).key(key).contentType("text/csv"),
                        RequestBody.fromBytes(buffer.toByteArray()));
            } else {
                if (buffer.size() > 0) {
                    flushPart();
                }
                s3.completeMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId)
                        .multipartUpload(m -> m.parts(parts)));
            }
            done = true;
        }

        @Override
        public void close() {
            if (!done && uploadId != null) {
                try {
                    s3.abortMultipartUpload(r -> r.bucket(bucket).key(key).uploadId(uploadId));
                } catch (RuntimeException e) {
                    // The bucket's lifecycle rule removes incomplete uploads.
                }
            }
        }
    }
}
