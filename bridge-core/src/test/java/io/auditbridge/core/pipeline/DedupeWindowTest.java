package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /**
     * The window answers exactly as the insertion-ordered map it replaced (a LinkedHashMap that drops its eldest
     * entry beyond the capacity), for a long random mix of records, forgets and lookups: forgotten keys that come
     * again are the newest, a key recorded twice keeps its age, and enough forgets to sweep stale slots change nothing.
     */
    @Test
    void answersAsTheInsertionOrderedMapItReplaced() {
        for (int capacity : new int[] {1, 3, 20, 500}) {
            Random random = new Random(capacity);
            DedupeWindow w = new DedupeWindow(capacity);
            LinkedHashMap<String, Boolean> model = new LinkedHashMap<>(16, 0.75f, false) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                    return size() > capacity;
                }
            };
            for (int i = 0; i < 200_000; i++) {
                String key = "k" + random.nextInt(capacity * 3 + 2);
                switch (random.nextInt(3)) {
                    case 0 -> assertThat(w.firstTime(key)).as("op %d firstTime %s", i, key).isEqualTo(model.put(key, Boolean.TRUE) == null);
                    case 1 -> {
                        w.forget(key);
                        model.remove(key);
                    }
                    default -> assertThat(w.contains(key)).as("op %d contains %s", i, key).isEqualTo(model.containsKey(key));
                }
                assertThat(w.size()).isEqualTo(model.size());
            }
            for (String key : model.keySet()) {
                assertThat(w.contains(key)).isTrue();
            }
        }
    }

    /** Threads recording the same keys at once: each key is new to exactly one of them. */
    @Test
    void concurrentRecordsOfTheSameKeysAreNewExactlyOnce() throws Exception {
        int threads = 8;
        int keys = 20_000;
        DedupeWindow w = new DedupeWindow(keys);
        Map<String, AtomicInteger> firsts = new ConcurrentHashMap<>();
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int offset = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < keys; i++) {
                        String key = "k" + ((i + offset * 997) % keys);
                        if (w.firstTime(key)) {
                            firsts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                        }
                        assertThat(w.contains(key)).isTrue();
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        assertThat(firsts).hasSize(keys);
        assertThat(firsts.values()).allMatch(n -> n.get() == 1);
        assertThat(w.size()).isEqualTo(keys);
    }

    /** Threads recording more keys than the window holds, and forgetting some: it never holds more than its capacity. */
    @Test
    void concurrentRecordsAndForgetsKeepTheWindowWithinItsCapacity() throws Exception {
        int threads = 8;
        DedupeWindow w = new DedupeWindow(1_000);
        CyclicBarrier start = new CyclicBarrier(threads);
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < 50_000; i++) {
                        String key = thread + "-" + i;
                        assertThat(w.firstTime(key)).isTrue();
                        if (i % 3 == 0) {
                            w.forget(key);
                        }
                        assertThat(w.size()).isLessThanOrEqualTo(1_000);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get(2, TimeUnit.MINUTES);
            }
        }
        // Every thread ended with a record, after its last forget: the window is full.
        assertThat(w.size()).isEqualTo(1_000);
        for (int t = 0; t < threads; t++) {
            assertThat(w.contains(t + "-1")).as("an early key, long evicted").isFalse();
            assertThat(w.firstTime(t + "-1")).isTrue();
        }
    }
}
