package io.auditbridge.core.push;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The one rule that turns a push caller's deadline into a retry budget and a wait. */
class PushBudgetTest {
    @Test
    void retriesTwoThirdsOfTheDeadlineAndAnswersTwoSecondsBeforeIt() {
        PushBudget b = PushBudget.forDeadline(Duration.ofSeconds(30), null);
        assertThat(b.retry()).isEqualTo(Duration.ofSeconds(20));
        assertThat(b.answerWithin()).isEqualTo(Duration.ofSeconds(28));
        assertThat(b.bounded()).isTrue();
    }

    @Test
    void aShortDeadlineKeepsAQuarterForTheAnswer() {
        PushBudget b = PushBudget.forDeadline(Duration.ofSeconds(2), null);
        assertThat(b.answerWithin()).isEqualTo(Duration.ofMillis(1500));
        assertThat(b.retry()).isEqualTo(Duration.ofMillis(1333));
    }

    @Test
    void anExplicitRetryDurationWinsWhenShorterThanTheDeadline() {
        assertThat(PushBudget.forDeadline(Duration.ofSeconds(30), Duration.ofSeconds(10)).retry()).isEqualTo(Duration.ofSeconds(10));
        assertThatThrownBy(() -> PushBudget.forDeadline(Duration.ofSeconds(10), Duration.ofSeconds(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shorter than the deadline");
        assertThatThrownBy(() -> PushBudget.forDeadline(Duration.ZERO, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("deadline must be > 0");
    }

    @Test
    void theWaitIsCappedByWhatTheCallerHasLeft() {
        PushBudget b = PushBudget.forDeadline(Duration.ofSeconds(60), null);
        assertThat(b.waitFor(null)).isEqualTo(Duration.ofSeconds(58));
        // A Lambda with 10 s left answers 2 s before its own end.
        assertThat(b.waitFor(Duration.ofSeconds(10))).isEqualTo(Duration.ofSeconds(8));
        assertThat(PushBudget.UNBOUNDED.waitFor(null)).isNull();
        assertThat(PushBudget.UNBOUNDED.bounded()).isFalse();
    }
}
