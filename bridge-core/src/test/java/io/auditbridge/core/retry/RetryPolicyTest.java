package io.auditbridge.core.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    @Test
    void exponentialCeilingWithFullJitterCappedAtMax() {
        RetryPolicy p = RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(1000))
                .random(() -> 0.999999).build();
        RetryPolicy.Backoff b = p.start(0);
        long[] waits = new long[6];
        for (int i = 0; i < waits.length; i++) {
            waits[i] = b.next(0, null).toMillis();
        }
        assertThat(waits).containsExactly(99, 199, 399, 799, 999, 999);
    }

    @Test
    void jitterSpreadsWaitsDownToZero() {
        RetryPolicy p = RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).random(() -> 0.0).build();
        assertThat(p.start(0).next(0, null)).isEqualTo(Duration.ZERO);
    }

    @Test
    void retryAfterIsHonouredAsGivenUpToItsCap() {
        RetryPolicy p = RetryPolicy.builder().maxRetryAfter(Duration.ofSeconds(60)).random(() -> 0.5).build();
        RetryPolicy.Backoff b = p.start(0);
        assertThat(b.next(0, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
        assertThat(b.next(0, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(60));
    }

    @Test
    void givesUpOnceTheBudgetWouldBeExceeded() {
        RetryPolicy p = RetryPolicy.builder().initialDelay(Duration.ofMillis(100)).maxDelay(Duration.ofMillis(100))
                .maxRetryDuration(Duration.ofMillis(250)).random(() -> 0.999999).build();
        RetryPolicy.Backoff b = p.start(1000);
        assertThat(b.next(1000, null)).isNotNull();
        assertThat(b.next(1100, null)).isNotNull();
        assertThat(b.next(1200, null)).isNull();
        assertThat(b.attempts()).isEqualTo(3);
    }

    @Test
    void badSettingsNameTheValue() {
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ZERO))
                .hasMessage("initialDelay must be > 0: PT0S");
        assertThatThrownBy(() -> RetryPolicy.builder().initialDelay(Duration.ofSeconds(5)).maxDelay(Duration.ofSeconds(1)).build())
                .hasMessageContaining("maxDelay < initialDelay");
    }
}
