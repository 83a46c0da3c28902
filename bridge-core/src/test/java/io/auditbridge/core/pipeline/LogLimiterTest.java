package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogLimiterTest {
    @Test
    void admitsAFewLinesPerMinuteAndReportsHowManyWereSuppressed() {
        ManualClock clock = new ManualClock(0);
        LogLimiter limiter = new LogLimiter(2, clock);
        assertThat(limiter.admit("truncated")).isZero();
        assertThat(limiter.admit("truncated")).isZero();
        assertThat(limiter.admit("truncated")).isEqualTo(-1);
        assertThat(limiter.admit("truncated")).isEqualTo(-1);
        assertThat(limiter.admit("not_event")).isZero();
        clock.advance(Duration.ofMinutes(1));
        assertThat(limiter.admit("truncated")).isEqualTo(2);
        assertThat(limiter.admit("truncated")).isZero();
    }
}
