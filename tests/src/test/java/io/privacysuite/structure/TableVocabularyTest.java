package io.privacysuite.structure;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.local.template.Template;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * One class owns each table's key formats and attribute names. Main code that spells a key prefix, a sort-key value,
 * an index name or a retention attribute anywhere but in its owner would drift from it unnoticed: this scans every
 * string literal of main code and fails on such a spelling. JSON fields that share a name with an attribute (an API's
 * or a console answer's wire format, not a table's) are listed below with the reason.
 */
class TableVocabularyTest {
    /** What is owned (a regex over a string literal's content) and the classes that may spell it. */
    record Rule(Pattern token, Set<String> owners) {
        static Rule prefix(String prefix, String... owners) {
            return new Rule(Pattern.compile("(?<![A-Za-z0-9])" + Pattern.quote(prefix)), Set.of(owners));
        }

        static Rule word(String word, String... owners) {
            return new Rule(Pattern.compile("(?<![A-Za-z0-9_#:])" + word + "(?![A-Za-z0-9_])"), Set.of(owners));
        }

        static Rule exact(String value, String... owners) {
            return new Rule(Pattern.compile("^" + Pattern.quote(value) + "$"), Set.of(owners));
        }
    }

    static final List<Rule> RULES = List.of(
            Rule.prefix("CONSENT#", "ConsentsTable"), Rule.prefix("V#", "ConsentsTable"),
            Rule.word("gsi1pk", "ConsentsTable"), Rule.word("gsi1sk", "ConsentsTable"),
            Rule.word("bySiteDay", "ConsentsTable"), Rule.word("gsi2pk", "ConsentsTable"),
            Rule.word("bySiteDayShard", "ConsentsTable"), Rule.exact("SITE_DAY_SHARDS", "ConsentsTable"),
            Rule.word("byAccount", "SitesTable"),
            Rule.prefix("REQ#", "RequestsTable"), Rule.prefix("RATE#", "RequestsTable"),
            Rule.exact("REQUEST", "RequestsTable"), Rule.exact("LEASE", "RequestsTable"),
            Rule.exact("RATE", "RequestsTable"), Rule.word("openPk", "RequestsTable"),
            Rule.word("dueEpoch", "RequestsTable"), Rule.word("openByDue", "RequestsTable"),
            Rule.word("bySubject", "RequestsTable"),
            Rule.prefix("SEND#", "EmailPreferencesTable"), Rule.prefix("OPTOUT#", "EmailPreferencesTable"),
            Rule.prefix("OPTIN#", "EmailPreferencesTable"),
            Rule.exact("SUPPRESSED", "EmailPreferencesTable"), Rule.exact("OBJECTION", "EmailPreferencesTable"),
            Rule.exact("RESTRICTED", "EmailPreferencesTable"), Rule.exact("SEND", "EmailPreferencesTable"),
            Rule.prefix("ACCOUNT#", "AccountsTable"), Rule.prefix("INVOICE#", "AccountsTable"),
            Rule.exact("PROFILE", "AccountsTable"),
            Rule.prefix("VERSION#", "PolicyVersionsTable"), Rule.exact("POLICY", "PolicyVersionsTable"),
            Rule.prefix("INCIDENT#", "IncidentsTable"), Rule.prefix("AUDIT#", "IncidentsTable"),
            Rule.word("byDay", "DeletionReceiptsTable"), Rule.word("byDayPk", "DeletionReceiptsTable"),
            Rule.word("dataCategory", "RetentionPolicy"), Rule.word("retentionRule", "RetentionPolicy"),
            Rule.word("expiresAt", "RetentionPolicy"), Rule.word("heldExpiresAt", "RetentionPolicy"),
            Rule.word("normalExpiresAt", "Retimer"), Rule.word("parkedSiteId", "Retimer"));

    /** Class, literal: the same name as a table attribute, for a JSON field of another format. */
    static final Map<String, String> JSON_FIELDS = Map.of(
            "ConsentJson:expiresAt", "the consent API's and the export's JSON field (README: the consent's expiry)",
            "Submission:expiresAt", "a field of the identity assertion JSON the company's app signs",
            "RetentionReport:expiresAt", "a field of the receiptsReport console answer");

    @Test
    void tableKeysAndAttributeNamesShouldBeSpelledOnlyByTheirOwners() throws IOException {
        List<String> violations = new ArrayList<>();
        int files = 0;
        try (Stream<Path> paths = Files.walk(Template.projectRoot())) {
            for (Path file : paths.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/")
                    && !p.toString().contains("/target/")).toList()) {
                files++;
                violations.addAll(violations(file.getFileName().toString(), Files.readString(file)));
            }
        }

        assertThat(files).as("main source files scanned").isGreaterThan(150);
        assertThat(violations).isEmpty();
    }

    @Test
    void shouldReportAKeyFormatOrAttributeSpelledOutsideItsOwner() {
        String source = """
                class Stray {
                    // "CONSENT#" in a comment is not code
                    String pk(String id) { return "CONSENT#" + id; }
                    String set = "SET heldExpiresAt = :e, #ttl = :t";
                    String sk = String.format("V#%06d", 3);
                    String fine = "downloadExpiresAt" + "expiresAtIso" + "#expiresAt" + "EV#1";
                    String escaped = "say \\"REQ#\\"";
                }
                """;

        assertThat(violations("Stray.java", source)).hasSize(4)
                .anySatisfy(v -> assertThat(v).contains("CONSENT#"))
                .anySatisfy(v -> assertThat(v).contains("heldExpiresAt"))
                .anySatisfy(v -> assertThat(v).contains("V#"))
                .anySatisfy(v -> assertThat(v).contains("REQ#"));
        assertThat(violations("ConsentsTable.java", "class ConsentsTable { String p = \"CONSENT#\"; }")).isEmpty();
        assertThat(violations("ConsentJson.java", "class ConsentJson { String f = \"expiresAt\"; }")).isEmpty();
    }

    static List<String> violations(String fileName, String source) {
        String owner = fileName.substring(0, fileName.length() - ".java".length());
        List<String> out = new ArrayList<>();
        for (String literal : stringLiterals(source)) {
            for (Rule rule : RULES) {
                var m = rule.token().matcher(literal);
                if (m.find() && !rule.owners().contains(owner)
                        && !JSON_FIELDS.containsKey(owner + ":" + m.group().replaceAll("[^A-Za-z0-9#]", ""))) {
                    out.add(fileName + ": \"" + literal + "\" spells " + rule.token().pattern() + ", owned by "
                            + rule.owners());
                }
            }
        }
        return out;
    }

    /** The contents of the string literals of Java source, comments and character literals skipped. */
    static List<String> stringLiterals(String source) {
        List<String> literals = new ArrayList<>();
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '/') {
                i = source.indexOf('\n', i);
                i = i < 0 ? source.length() : i;
            } else if (c == '/' && i + 1 < source.length() && source.charAt(i + 1) == '*') {
                int end = source.indexOf("*/", i + 2);
                i = end < 0 ? source.length() : end + 2;
            } else if (c == '\'') {
                i++;
                while (i < source.length() && source.charAt(i) != '\'') {
                    i += source.charAt(i) == '\\' ? 2 : 1;
                }
                i++;
            } else if (c == '"') {
                boolean block = source.startsWith("\"\"\"", i);
                String close = block ? "\"\"\"" : "\"";
                i += close.length();
                StringBuilder literal = new StringBuilder();
                while (i < source.length() && !source.startsWith(close, i)) {
                    if (source.charAt(i) == '\\' && i + 1 < source.length()) {
                        literal.append(source.charAt(i + 1));
                        i += 2;
                    } else {
                        literal.append(source.charAt(i++));
                    }
                }
                i += close.length();
                literals.add(literal.toString());
            } else {
                i++;
            }
        }
        return literals;
    }
}
