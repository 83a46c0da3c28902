package io.auditbridge.eks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.EventJson;
import io.auditbridge.core.testing.BoundedHeapRun;
import io.auditbridge.core.testing.GeneratedEventSource;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: 1M events through {@code translate} under -Xmx256m. The input is the hardest shape to stream: one
 * {@code aws logs filter-log-events} page holding every event on a single line, generated into the child's stdin.
 */
class BoundedHeapTranslateTest {
    private static final int EVENTS = 1_000_000;

    @Test
    void oneMillionEventsInOneFilterLogEventsPageTranslateUnder256MiBOfHeap() throws Exception {
        BoundedHeapRun.Result r = BoundedHeapRun.run("256m", EksBridge.class, List.of("translate", "-"), stdin -> {
            stdin.write("{\"events\":[".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < EVENTS; i++) {
                String message = EventJson.MAPPER.writeValueAsString(GeneratedEventSource.event(i));
                String page = (i == 0 ? "" : ",") + "{\"logStreamName\":\"kube-apiserver-audit-0\",\"timestamp\":" + (1764928800000L + i)
                        + ",\"message\":" + message + ",\"ingestionTime\":" + (1764928801000L + i) + ",\"eventId\":\"" + i + "\"}";
                stdin.write(page.getBytes(StandardCharsets.UTF_8));
            }
            stdin.write("],\"searchedLogStreams\":[]}\n".getBytes(StandardCharsets.UTF_8));
        }, 30);

        assertThat(r.exitCode()).as(r.stderrTail()).isZero();
        assertThat(r.stdoutLines()).as(r.stderrTail()).isEqualTo(EVENTS);
        assertThat(r.stderrTail()).contains(EVENTS + " events, 0 record errors");
    }
}
