package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DedupeWindowTest {
    @Test
    void remembersTheLastKeysOnly() {
        DedupeWindow w = new DedupeWindow(2);
        assertThat(w.firstTime("a")).isTrue();
        assertThat(w.firstTime("a")).isFalse();
        assertThat(w.firstTime("b")).isTrue();
        assertThat(w.firstTime("c")).isTrue(); // evicts a
        assertThat(w.firstTime("a")).isTrue();
        assertThat(w.size()).isEqualTo(2);
    }

    @Test
    void nullKeysAndAZeroWindowNeverDedupe() {
        DedupeWindow off = new DedupeWindow(0);
        assertThat(off.firstTime("a")).isTrue();
        assertThat(off.firstTime("a")).isTrue();
        DedupeWindow w = new DedupeWindow(10);
        assertThat(w.firstTime(null)).isTrue();
        assertThat(w.firstTime(null)).isTrue();
    }

    @Test
    void forgottenKeysComeThroughAgain() {
        DedupeWindow w = new DedupeWindow(10);
        w.firstTime("a");
        w.forget("a");
        assertThat(w.firstTime("a")).isTrue();
    }
}
