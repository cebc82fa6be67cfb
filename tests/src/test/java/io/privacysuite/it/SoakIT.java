package io.privacysuite.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.privacysuite.bench.Soak;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The soak benchmark's short version: mixed load on the local HTTP API with no error and no lost write (no timing). */
class SoakIT extends IntegrationTest {
    @Test
    void mixedLoadOnTheHttpApi_answersEveryRequestAsExpected_andLosesNoWrite() throws InterruptedException {
        Soak.Result result = new Soak(stack, Soak.registerSites(stack, 4))
                .run(Duration.ofSeconds(Integer.getInteger("soak.seconds", 15)), 4);
        System.out.println(result.describe());

        assertThat(result.requests()).as("requests sent").isGreaterThan(50);
        assertThat(result.perKind()).containsKeys("consent", "verify", "intake");
        assertThat(result.errorSamples()).isEmpty();
        assertThat(result.errors()).isZero();
        assertThat(result.lostWrites()).isZero();
    }
}
