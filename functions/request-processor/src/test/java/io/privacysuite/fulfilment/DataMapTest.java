package io.privacysuite.fulfilment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.privacysuite.core.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DataMapTest {
    static final Path ROOT = Path.of("").toAbsolutePath().getParent().getParent();
    static final Env ENV = Env.of(Map.of("CRM_CONTACTS_TABLE", "crm", "ORDERS_TABLE", "orders", "INVOICES_TABLE", "inv",
            "CUSTOMER_ACCOUNTS_TABLE", "accounts", "SUPPORT_DESK_WEBHOOK_URL", "https://support.example.com/privacy", "SUPPORT_DESK_WEBHOOK_SECRET", "s3cr3t"));

    @Test
    void shouldParseTheRepositoryDataMap_suiteSourcesOnly() throws Exception {
        DataMap map = DataMap.parse(Files.readString(ROOT.resolve("config/data-map.json")), Env.of(Map.of()));

        assertThat(map.sources()).extracting(DataMap.Source::id)
                .containsExactly("consents", "email-preferences", "earlier-requests");
        assertThat(map.sources()).extracting(DataMap.Source::kind).containsOnly(DataMap.Kind.SUITE);
        DataMap.Erasure requests = map.sources().get(2).erasure();
        assertThat(requests.mode()).isEqualTo(DataMap.ErasureMode.RETAIN);
        assertThat(requests.retainFor().period()).isEqualTo(java.time.Period.ofMonths(24));
    }

    @Test
    void shouldRefuseAResolverFoundByASubjectId_andARetainWithoutTheDataDate() {
        String chained = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"a\",\"kind\":\"dynamodb\",\"table\":\"t\","
                + "\"category\":\"c\",\"lookup\":{\"attribute\":\"k\",\"by\":\"subjectId\"},"
                + "\"resolvesSubjectIds\":\"other\",\"erasure\":{\"mode\":\"delete\"}}]}";
        String undated = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"a\",\"kind\":\"dynamodb\",\"table\":\"t\","
                + "\"category\":\"c\",\"lookup\":{\"attribute\":\"k\",\"by\":\"email\"},"
                + "\"erasure\":{\"mode\":\"retain\",\"legalBasis\":\"tax\",\"retainFor\":\"P1Y\"}}]}";

        assertThatThrownBy(() -> DataMap.parse(chained, ENV)).hasMessageContaining("resolvesSubjectIds");
        assertThatThrownBy(() -> DataMap.parse(undated, ENV)).hasMessageContaining("dateAttribute");
    }

    @Test
    void shouldParseTheExample_resolvingPlaceholdersFromTheEnvironment() throws Exception {
        DataMap map = DataMap.parse(Files.readString(ROOT.resolve("config/data-map.example.json")), ENV);

        DataMap.Source crm = map.sources().get(0);
        assertThat(crm.table()).isEqualTo("crm");
        assertThat(crm.index()).isEqualTo("byEmail");
        assertThat(crm.lookup()).isEqualTo(DataMap.Lookup.EMAIL);
        assertThat(crm.erasure().mode()).isEqualTo(DataMap.ErasureMode.ANONYMIZE);
        assertThat(crm.erasure().fields()).contains("name", "phone");
        DataMap.Source accounts = map.sources().get(1);
        assertThat(accounts.resolvesSubjectIds()).isEqualTo("accountId");
        DataMap.Source invoices = map.sources().get(3);
        assertThat(invoices.lookup()).isEqualTo(DataMap.Lookup.SUBJECT_ID);
        assertThat(invoices.accountAttribute()).isEqualTo("accountId");
        assertThat(invoices.erasure().retainFor().fiscalYears()).isEqualTo(10);
        assertThat(invoices.erasure().dateAttribute()).isEqualTo("invoiceDate");
        assertThat(invoices.erasure().restrict()).isTrue();
        DataMap.Source support = map.sources().get(4);
        assertThat(support.kind()).isEqualTo(DataMap.Kind.WEBHOOK);
        assertThat(support.url()).isEqualTo("https://support.example.com/privacy");
        assertThat(support.secret()).isEqualTo("s3cr3t");
        assertThat(support.attempts()).isEqualTo(3);
    }

    @Test
    void shouldRefuseLiteralSecrets_missingVariables_plainHttp_andUnknownModes() {
        String literal = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"w\",\"kind\":\"webhook\",\"category\":\"c\","
                + "\"url\":\"https://x.example\",\"secret\":\"hunter2\",\"erasure\":{\"mode\":\"delete\"}}]}";
        String missing = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"t\",\"kind\":\"dynamodb\",\"category\":\"c\","
                + "\"table\":\"${NOPE}\",\"lookup\":{\"attribute\":\"email\"},\"erasure\":{\"mode\":\"delete\"}}]}";
        String http = literal.replace("https://x.example", "http://x.example").replace("hunter2", "${SUPPORT_DESK_WEBHOOK_SECRET}");
        String mode = missing.replace("${NOPE}", "t").replace("delete", "shred");
        String anonymizeWithoutFields = missing.replace("${NOPE}", "t").replace("delete", "anonymize");
        String retainWithoutBasis = missing.replace("${NOPE}", "t").replace("\"delete\"", "\"retain\",\"retainFor\":\"P1Y\"");

        assertThatThrownBy(() -> DataMap.parse(literal, ENV)).hasMessageContaining("never a literal");
        assertThatThrownBy(() -> DataMap.parse(missing, ENV)).hasMessageContaining("${NOPE}");
        assertThatThrownBy(() -> DataMap.parse(http, ENV)).hasMessageContaining("must be https");
        assertThatThrownBy(() -> DataMap.parse(mode, ENV)).hasMessageContaining("'shred' is not one of");
        assertThatThrownBy(() -> DataMap.parse(anonymizeWithoutFields, ENV)).hasMessageContaining("fields");
        assertThatThrownBy(() -> DataMap.parse(retainWithoutBasis, ENV)).hasMessageContaining("legalBasis");
        assertThatThrownBy(() -> DataMap.parse("{\"schemaVersion\":2,\"sources\":[]}", ENV)).hasMessageContaining("schemaVersion");
        assertThatThrownBy(() -> DataMap.parse("not json", ENV)).isInstanceOf(DataMap.InvalidDataMapException.class);
    }

    @Test
    void shouldLoadTheMapTheBuildBundled_unlessAFileIsNamed() throws Exception {
        // The build wrote config/data-map.json, or the -Dprivacysuite.dataMap file, into the classes (DataMapBundle).
        Path bundled = Path.of(System.getProperty("privacysuite.buildRoot", "."))
                .resolve(System.getProperty("privacysuite.dataMap", ROOT.resolve("config/data-map.json").toString()));
        String json = Files.readString(bundled);
        Map<String, String> variables = new java.util.HashMap<>();
        DataMap.variables(json).forEach(name -> variables.put(name, "https://placeholder.example"));

        assertThat(DataMap.load(Env.of(variables))).isEqualTo(DataMap.parse(json, Env.of(variables)));

        Map<String, String> withFile = new java.util.HashMap<>(ENV.asMap());
        withFile.put(DataMap.FILE_VARIABLE, ROOT.resolve("config/data-map.example.json").toString());
        assertThat(DataMap.load(Env.of(withFile)).sources()).extracting(DataMap.Source::id)
                .contains("crm-contacts", "support-desk").hasSize(8);
    }

    @Test
    void shouldNameTheFile_whenTheNamedFileCannotBeRead() {
        Env env = Env.of(Map.of(DataMap.FILE_VARIABLE, "/nonexistent/my-map.json"));

        assertThatThrownBy(() -> DataMap.load(env)).hasMessageContaining("DATA_MAP_FILE")
                .hasMessageContaining("/nonexistent/my-map.json");
    }

    @Test
    void variables_shouldListEveryPlaceholderOnce_inOrderOfUse() throws Exception {
        assertThat(DataMap.variables(Files.readString(ROOT.resolve("config/data-map.example.json")))).containsExactly(
                "CRM_CONTACTS_TABLE", "CUSTOMER_ACCOUNTS_TABLE", "ORDERS_TABLE", "INVOICES_TABLE", "SUPPORT_DESK_WEBHOOK_URL",
                "SUPPORT_DESK_WEBHOOK_SECRET");
    }

    @Test
    void bundle_shouldWriteTheCompactForm_checkingPlaceholdersForFormOnly(@org.junit.jupiter.api.io.TempDir Path classes)
            throws Exception {
        Path source = ROOT.resolve("config/data-map.example.json");

        DataMap checked = DataMapBundle.bundle(source, classes);

        String written = Files.readString(classes.resolve(DataMap.RESOURCE));
        assertThat(checked.sources()).hasSize(8);
        assertThat(written).doesNotContain("\n").contains("\"secret\":\"${SUPPORT_DESK_WEBHOOK_SECRET}\"");
        assertThat(io.privacysuite.core.Json.read(written))
                .isEqualTo(io.privacysuite.core.Json.read(Files.readString(source)));
    }

    @Test
    void bundle_shouldRefuseAnInvalidOrMissingMap_namingTheFile_andWriteNothing(
            @org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path literalSecret = Files.writeString(dir.resolve("my-map.json"), "{\"schemaVersion\":1,\"sources\":[{\"id\":\"w\","
                + "\"kind\":\"webhook\",\"category\":\"c\",\"url\":\"https://x.example\",\"secret\":\"hunter2\","
                + "\"erasure\":{\"mode\":\"delete\"}}]}");
        Path classes = dir.resolve("classes");

        assertThatThrownBy(() -> DataMapBundle.bundle(literalSecret, classes)).hasMessageContaining("my-map.json")
                .hasMessageContaining("never a literal");
        assertThatThrownBy(() -> DataMapBundle.bundle(dir.resolve("absent.json"), classes))
                .hasMessageContaining("not found").hasMessageContaining("absent.json");
        assertThat(classes.resolve(DataMap.RESOURCE)).doesNotExist();
    }

    @Test
    void webhookUrlsShouldBeParsed_httpsOnly_plainHttpOnlyToAnExactLoopbackHostInALocalRun() {
        String template = "{\"schemaVersion\":1,\"sources\":[{\"id\":\"desk\",\"kind\":\"webhook\",\"category\":\"t\","
                + "\"description\":\"d\",\"url\":\"URL\",\"secret\":\"${SUPPORT_DESK_WEBHOOK_SECRET}\","
                + "\"erasure\":{\"mode\":\"delete\"}}]}";
        java.util.function.Function<String, String> map = url -> template.replace("URL", url);
        assertThat(DataMap.parse(map.apply("http://127.0.0.1:8080/hook"), ENV).sources().get(0).url())
                .isEqualTo("http://127.0.0.1:8080/hook");
        assertThat(DataMap.parse(map.apply("https://desk.example.com/hook"), ENV).sources()).hasSize(1);
        for (String bad : new String[] {"http://127.0.0.1.evil.example/hook", "http://localhost.evil.example/",
                "http://localhost@evil.example/", "https://user:pw@desk.example.com/", "HTTP://desk.example.com/",
                "ftp://desk.example.com/", "https:///nohost", "http://10.0.0.1/hook", "https://desk example/"}) {
            assertThatThrownBy(() -> DataMap.parse(map.apply(bad), ENV)).as(bad)
                    .isInstanceOf(DataMap.InvalidDataMapException.class);
        }
        Env deployed = Env.deployed(ENV.asMap());
        assertThatThrownBy(() -> DataMap.parse(map.apply("http://127.0.0.1:8080/hook"), deployed))
                .as("no plain http outside a local run").isInstanceOf(DataMap.InvalidDataMapException.class);
    }
}
