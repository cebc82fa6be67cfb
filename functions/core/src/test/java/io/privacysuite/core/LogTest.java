package io.privacysuite.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.LambdaLogger;
import com.amazonaws.services.lambda.runtime.logging.LogLevel;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LogTest {
    private final List<String> lines = new ArrayList<>();
    private final Log log = Log.of(contextLoggingTo(lines));

    private static Context contextLoggingTo(List<String> lines) {
        LambdaLogger logger = new LambdaLogger() {
            @Override
            public void log(String message) {
                lines.add(message);
            }

            @Override
            public void log(byte[] message) {
                lines.add(new String(message, StandardCharsets.UTF_8));
            }

            @Override
            public void log(String message, LogLevel level) {
                lines.add(message);
            }
        };
        return (Context) Proxy.newProxyInstance(LogTest.class.getClassLoader(), new Class<?>[] {Context.class},
                (proxy, method, args) -> method.getName().equals("getLogger") ? logger : null);
    }

    @Test
    void shouldWriteAValueFromInputOnOneLine_soThatItCannotForgeALogLine() {
        log.warn("admin_action_refused", "action", "x\nINFO admin_action_done action=erase\r\u2028");

        assertThat(lines).containsExactly("admin_action_refused action=x?INFO admin_action_done action=erase??");
    }

    @Test
    void shouldCutALongValue_andSayHowMuchWasLeftOut() {
        log.info("refused", "action", "a".repeat(65_536), "requestId", "r-1");

        assertThat(lines).singleElement().satisfies(line -> {
            assertThat(line).hasSizeLessThan(300).contains("...(65336 more)").endsWith(" requestId=r-1");
        });
    }

    @Test
    void shouldNotCutACharacterInHalf() {
        String emoji = "\uD83D\uDE00";
        String cut = Log.oneLine("a".repeat(Log.MAX_VALUE - 1) + emoji + "tail");

        assertThat(cut).startsWith("a".repeat(Log.MAX_VALUE - 1) + "...(").doesNotContain("\uD83D");
    }

    @Test
    void shouldLeaveShortValuesAsTheyAre() {
        log.info("request_fulfilment", "requestId", "5b6f4e1a", "result", "COMPLETED", "delivery", 2);

        assertThat(lines).containsExactly("request_fulfilment requestId=5b6f4e1a result=COMPLETED delivery=2");
    }
}
