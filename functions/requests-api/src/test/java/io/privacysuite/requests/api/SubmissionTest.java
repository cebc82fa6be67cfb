package io.privacysuite.requests.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.core.Json;
import io.privacysuite.core.errors.DomainException;
import io.privacysuite.core.http.ApiException;
import io.privacysuite.requests.RequestType;
import org.junit.jupiter.api.Test;

class SubmissionTest {
    private static Submission parse(String json) throws Exception {
        return Submission.parse(Json.read(json));
    }

    private static ApiException refusal(String json) {
        try {
            parse(json);
        } catch (DomainException e) {
            return ApiException.of(e);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("accepted: " + json);
    }

    @Test
    void shouldAcceptAFullRequest_andNormaliseLocale() throws Exception {
        Submission s = parse("""
                {"type":"Erasure","email":" ann@example.org ","siteId":"demo-shop","locale":"fr-BE",
                 "details":{"note":"everything"},"consents":[{"consentId":"3f0c2a9e-5b1d-4c8e-9a7f-0d1e2f3a4b5c",
                 "key":"e689383f.Y1NemgqAimZ7EtisVDFQhC_1E0pwXCHTKBkXWw5nhKw"}]}""");

        assertThat(s.type()).isEqualTo(RequestType.ERASURE);
        assertThat(s.email()).isEqualTo("ann@example.org");
        assertThat(s.locale()).isEqualTo("fr");
        assertThat(s.details()).containsEntry("note", "everything");
        assertThat(s.consents()).extracting(Submission.ConsentProof::consentId)
                .containsExactly("3f0c2a9e-5b1d-4c8e-9a7f-0d1e2f3a4b5c");
    }

    @Test
    void shouldDefaultToEnglish() throws Exception {
        assertThat(parse("{\"type\":\"access\",\"email\":\"a@example.org\",\"siteId\":\"s1\"}").locale()).isEqualTo("en");
    }

    @Test
    void shouldReportEveryFieldErrorAtOnce() {
        ApiException e = refusal("{\"type\":\"delete-me\",\"email\":\"not-an-address\",\"locale\":\"es\"}");

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.fieldErrors()).containsOnlyKeys("type", "email", "siteId", "locale");
    }

    @Test
    void shouldRequireDetails_forRectification() {
        assertThat(refusal("{\"type\":\"rectification\",\"email\":\"a@example.org\",\"siteId\":\"s1\"}").fieldErrors())
                .containsOnlyKeys("details");
    }

    @Test
    void shouldRefuseNonTextDetailsAndConsentsWithoutTheirKey() {
        assertThat(refusal("""
                {"type":"access","email":"a@example.org","siteId":"s1","details":{"x":{"nested":1}},
                 "consents":[{"consentId":"<script>","key":"x"}]}""").fieldErrors()).containsOnlyKeys("details.x", "consents");
        assertThat(refusal("""
                {"type":"access","email":"a@example.org","siteId":"s1",
                 "consents":[{"consentId":"3f0c2a9e-5b1d-4c8e-9a7f-0d1e2f3a4b5c"}]}""").fieldErrors())
                .containsOnlyKeys("consents");
    }
}
