package io.privacysuite.consent.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import io.privacysuite.consent.Categories;
import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import org.junit.jupiter.api.Test;

class ConsentSubmissionTest {

    private static JsonNode json(String s) throws Exception {
        return Json.read(s);
    }

    @Test
    void shouldGrantEverything_forAcceptAllWithoutCategories() throws Exception {
        ConsentSubmission s = ConsentSubmission.parse(json("""
                {"method":"accept_all","bannerVersion":"v1","pageUrl":"https://a.example/x"}"""), null);
        assertThat(s.categories()).isEqualTo(Categories.ALL);
        assertThat(s.clientRequestId()).isNull();
    }

    @Test
    void shouldStripQueryAndFragmentFromThePageUrl() throws Exception {
        ConsentSubmission s = ConsentSubmission.parse(json("""
                {"method":"reject_all","bannerVersion":"v1",
                 "pageUrl":"HTTPS://Shop.Example.com/p?email=jane@example.com#top"}"""), null);
        assertThat(s.pageUrl()).isEqualTo("https://shop.example.com/p");
    }

    @Test
    void shouldReportEveryInvalidFieldAtOnce() throws Exception {
        ApiException e = ApiException.of(catchThrowableOfType(DomainException.class, () -> ConsentSubmission.parse(json("""
                {"method":"sell_everything","categories":{"necessary":false,"preferences":"yes"},
                 "bannerVersion":"","pageUrl":"javascript:alert(1)","tcString":"<script>"}"""), "x")));
        assertThat(e.status()).isEqualTo(400);
        assertThat(e.fieldErrors()).containsKeys("method", "bannerVersion", "pageUrl", "tcString",
                "clientRequestId");
    }

    @Test
    void shouldRefuseRefusingNecessaryCookies_andInconsistentShortcuts() throws Exception {
        ApiException e = ApiException.of(catchThrowableOfType(DomainException.class, () -> ConsentSubmission.parse(json("""
                {"method":"accept_all","categories":{"necessary":false,"preferences":true,"statistics":false,
                 "marketing":true},"bannerVersion":"v1","pageUrl":"https://a.example/"}"""), null)));
        assertThat(e.fieldErrors()).containsKeys("categories.necessary", "categories");
    }

    @Test
    void shouldPreferTheIdempotencyHeader_andDigestWhatWasAskedAndFromWhere() throws Exception {
        String body = """
                {"method":"custom","categories":{"preferences":true,"statistics":false,"marketing":false},
                 "bannerVersion":"v1","pageUrl":"https://a.example/","clientRequestId":"ab6f1d2c-73e4-4a5b-9c8d-0e1f2a3b4c5d"}""";
        String header = "c4b1e2f3-0a1b-4c2d-8e3f-4a5b6c7d8e9f";
        ConsentSubmission a = ConsentSubmission.parse(json(body), header);
        ConsentSubmission b = ConsentSubmission.parse(json(body.replace("\"statistics\":false", "\"statistics\":true")),
                header);
        assertThat(a.clientRequestId()).isEqualTo(header);
        String origin = "https://a.example";
        assertThat(a.digest(origin, false)).isNotEqualTo(b.digest(origin, false))
                .isNotEqualTo(a.digest(null, false))
                .isNotEqualTo(a.digest("https://b.example", false))
                .isNotEqualTo(a.digest(origin, true))
                .isEqualTo(ConsentSubmission.parse(json(body), null).digest(origin, false));
    }

    @Test
    void shouldMaskAnEmailAddressInThePath() throws Exception {
        ConsentSubmission s = ConsentSubmission.parse(json("""
                {"method":"reject_all","bannerVersion":"v1",
                 "pageUrl":"https://shop.example.com/users/jane.doe%40example.org/orders;x=a@b.cd"}"""), null);
        assertThat(s.pageUrl()).isEqualTo("https://shop.example.com/users/email-removed/email-removed");
    }
}
