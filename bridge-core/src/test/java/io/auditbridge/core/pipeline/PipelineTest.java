package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.Sink;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import io.auditbridge.core.Translator;
import io.auditbridge.core.testing.MemoryCheckpointStore;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.RecordingSleeper;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.SampleEvents;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipeline bookkeeping with a scripted in-memory sink (the webhook path is covered on loopback in WebhookDeliveryTest). */
class PipelineTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(1_800_000_000_000L);

    /** Answers from a script (then Delivered), remembering what it was given. */
    static class ScriptedSink implements Sink {
        final ArrayDeque<DeliveryResult> script = new ArrayDeque<>();
        final List<List<String>> batches = new ArrayList<>();

        @Override
        public synchronized DeliveryResult deliver(List<Event> events) {
            batches.add(events.stream().map(Event::auditId).toList());
            return script.isEmpty() ? DeliveryResult.DELIVERED : script.poll();
        }

        synchronized List<String> delivered() {
            return batches.stream().flatMap(List::stream).toList();
        }
    }

    /**
     * A scripted sink whose every delivery says it is in flight ({@link #inFlight}) and then holds until
     * {@link #release} before answering: a test submits a copy while the first one is being delivered.
     */
    static final class HeldSink extends ScriptedSink {
        final CountDownLatch inFlight = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public DeliveryResult deliver(List<Event> events) {
            inFlight.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return super.deliver(events);
        }
    }

    private Pipeline.Builder<byte[]> builder(Sink sink, CheckpointStore store) {
        return Pipeline.builder("test", new K8sEventTranslator("test", Map.of()), sink)
                .checkpoints(store)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .batchLimits(new BatchLimits(500, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024))
                .clock(clock)
                .sleeper(new RecordingSleeper(clock));
    }

    private static SourceRecord<byte[]> record(String position, String json) {
        return new SourceRecord<>("p", position, "rec-" + position, json.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void duplicatesOfAuditIdAndStageAreDroppedCountedAndStillCommitted() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (Pipeline<byte[]> p = builder(sink, store).build()) {
            p.start();
            String e1 = SampleEvents.json(1);
            String e1Started = e1.replace("ResponseComplete", "ResponseStarted");
            Submission s = p.submit(List.of(record("1", e1), record("2", e1), record("3", e1Started), record("4", e1)));
            p.drain(Duration.ofMinutes(1));
            s.done().get();
            assertThat(s.deduped()).isEqualTo(2);
            assertThat(p.metrics().count("auditbridge.events.deduped")).isEqualTo(2);
            assertThat(sink.delivered()).containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(1));
            assertThat(p.committedPositions()).isEqualTo(Map.of("p", "4"));
        }
    }

    @Test
    void anOversizedEventIsDeadLetteredNotSent() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        try (Pipeline<byte[]> p = builder(sink, new MemoryCheckpointStore()).build()) {
            p.start();
            String big = new String(SampleEvents.large(2, 70 * 1024).toJsonBytes(), StandardCharsets.UTF_8);
            Submission s = p.submit(List.of(record("1", SampleEvents.json(1)), record("2", big), record("3", SampleEvents.json(3))));
            p.drain(Duration.ofMinutes(1));
            s.done().get();
            assertThat(sink.delivered()).containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(3));
            assertThat(p.committedPositions()).isEqualTo(Map.of("p", "3"));
        }
        assertThat(Files.readString(dir.resolve("dead.ndjson"))).contains("event_too_large").contains(SampleEvents.auditId(2));
    }

    @Test
    void recordErrorsAreCountedAndWholeMessageFailuresDeadLettered() throws Exception {
        Translator<byte[]> translator = r -> new String(r.payload(), StandardCharsets.UTF_8).startsWith("{\"records\"")
                ? Translation.of(SampleEvents.event(Integer.parseInt(r.position())))
                : Translation.failed(new RecordError("not_envelope", r.id(), null, "body is not {\"records\":[…]}",
                        new String(r.payload(), StandardCharsets.UTF_8)));
        ScriptedSink sink = new ScriptedSink();
        try (Pipeline<byte[]> p = Pipeline.builder("test", translator, sink).checkpoints(new MemoryCheckpointStore())
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock)).clock(clock).build()) {
            p.start();
            Submission s = p.submit(List.of(record("1", "{\"records\":[]}"), record("2", "garbage"), record("3", "{\"records\":[]}")));
            p.drain(Duration.ofMinutes(1));
            s.done().get();
            assertThat(s.errors()).isEqualTo(1);
            assertThat(p.metrics().count("auditbridge.records.errored", "code", "not_envelope")).isEqualTo(1);
            assertThat(p.committedPositions()).as("a poison message does not wedge the partition").isEqualTo(Map.of("p", "3"));
        }
        assertThat(Files.readString(dir.resolve("dead.ndjson"))).contains("\"payload\":\"garbage\"").contains("not_envelope");
    }

    @Test
    void aTranslatorThatThrowsDoesNotStopTheRest() throws Exception {
        Translator<byte[]> translator = r -> {
            if (r.position().equals("2")) {
                throw new IllegalStateException("bug");
            }
            return Translation.of(SampleEvents.event(Integer.parseInt(r.position())));
        };
        ScriptedSink sink = new ScriptedSink();
        try (Pipeline<byte[]> p = Pipeline.builder("test", translator, sink)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock)).clock(clock).build()) {
            p.start();
            Submission s = p.submit(ListSource.records(1, 3));
            p.drain(Duration.ofMinutes(1));
            s.done().get();
            assertThat(sink.delivered()).containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(3));
            assertThat(p.metrics().count("auditbridge.records.errored", "code", "translator_failed")).isEqualTo(1);
        }
    }

    @Test
    void failSubmissionModeHandsTheFailureBackAndCommitsNothing() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        for (int i = 0; i < 4; i++) { // the attempts the 3 s budget allows at 1 s waits; then the webhook recovers
            sink.script.add(DeliveryResult.retry("HTTP 503"));
        }
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (Pipeline<byte[]> p = builder(sink, store)
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(1))
                        .maxRetryDuration(Duration.ofSeconds(3)).random(() -> 0.99).build())
                .build()) {
            p.start();
            Submission s = p.submit(ListSource.records(1, 2));
            p.drain(Duration.ofMinutes(1));
            assertThatThrownBy(() -> s.done().get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DeliveryFailedException.class).hasMessageContaining("HTTP 503");
            assertThat(p.committedPositions()).isEmpty();
            // The failed events' keys were forgotten: the platform's retry is delivered, not deduped away.
            Submission again = p.submit(ListSource.records(1, 2));
            p.drain(Duration.ofMinutes(1));
            again.done().get();
            assertThat(again.deduped()).isZero();
        }
        assertThat(Files.exists(dir.resolve("dead.ndjson"))).isFalse();
    }

    @Test
    void inFailSubmissionModeACopyOfAnInFlightEventIsSentNotDroppedButADeliveredOneIsDeduped() throws Exception {
        HeldSink sink = new HeldSink(); // keeps the first copy in flight until the second was submitted
        sink.script.add(DeliveryResult.retry("HTTP 503"));
        try (Pipeline<byte[]> p = builder(sink, new MemoryCheckpointStore())
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .batchLimits(new BatchLimits(1, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024)) // one event per batch
                .retry(RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofSeconds(1))
                        .maxRetryDuration(Duration.ofMillis(500)).random(() -> 0.99).build())
                .build()) {
            p.start();
            Submission first = p.submit(ListSource.records(1, 1));
            Submission retryWhileInFlight = p.submit(ListSource.records(1, 1)); // the caller retried before the first failed
            sink.release.countDown();
            p.drain(Duration.ofMinutes(1));
            assertThatThrownBy(() -> first.done().get()).hasCauseInstanceOf(DeliveryFailedException.class);
            retryWhileInFlight.done().get();
            assertThat(retryWhileInFlight.deduped()).isZero();
            assertThat(sink.delivered()).containsExactly(SampleEvents.auditId(1), SampleEvents.auditId(1));
            Submission late = p.submit(ListSource.records(1, 1));
            p.drain(Duration.ofMinutes(1));
            late.done().get();
            assertThat(late.deduped()).isEqualTo(1);
        }
    }

    /**
     * A resubmitted copy arriving while the first copy is in flight is not sent twice, but it is not dropped
     * either: it follows the first copy. Delivered: both records are done. Abandoned (stopping while the sink is
     * down): both records fail and no position is committed past them.
     */
    @Test
    void aCopyOfAnInFlightEventFollowsItAndFailsWithItWhenItIsAbandoned() throws Exception {
        HeldSink sink = new HeldSink();
        for (int i = 0; i < 10; i++) {
            sink.script.add(DeliveryResult.retry("HTTP 503")); // the sink stays down (one attempt a minute)
        }
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        Submission first;
        Submission copy;
        try (Pipeline<byte[]> p = Pipeline.builder("test", new K8sEventTranslator("test", Map.of()), sink)
                .checkpoints(store)
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .batchLimits(new BatchLimits(1, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMinutes(1)).maxDelay(Duration.ofMinutes(1)).build())
                .shutdownTimeout(Duration.ofMillis(200))
                .build()) {
            p.start();
            first = p.submit(List.of(record("1", SampleEvents.json(1))));
            sink.inFlight.await();
            copy = p.submit(List.of(record("2", SampleEvents.json(1)))); // a resubmission racing the first attempt
            sink.release.countDown();
            assertThat(copy.deduped()).isEqualTo(1);
            assertThat(copy.done()).isNotDone();
        } // stopping with the sink still down: the first copy is abandoned
        assertThat(first.done()).isCompletedExceptionally();
        assertThat(copy.done()).as("the copy is not done: its only undelivered copy was abandoned").isCompletedExceptionally();
        assertThat(store.load()).doesNotContainKey("p");
    }

    @Test
    void aCopyOfAnInFlightEventIsDoneWhenTheFirstCopyIsDelivered() throws Exception {
        HeldSink sink = new HeldSink();
        MemoryCheckpointStore store = new MemoryCheckpointStore();
        try (Pipeline<byte[]> p = builder(sink, store)
                .batchLimits(new BatchLimits(1, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024)).build()) {
            p.start();
            Submission first = p.submit(List.of(record("1", SampleEvents.json(1))));
            sink.inFlight.await();
            Submission copy = p.submit(List.of(record("2", SampleEvents.json(1))));
            sink.release.countDown();
            first.done().get();
            copy.done().get();
            p.drain(Duration.ofMinutes(1));
        }
        assertThat(sink.delivered()).containsExactly(SampleEvents.auditId(1));
        assertThat(store.load()).containsEntry("p", "2");
    }

    /**
     * Copies of the same Events submitted from many threads at once, delivered by several delivery threads: each
     * Event reaches the sink once (a copy follows the one in flight or is dropped as done), every record is done,
     * and every copy but one is counted as deduplicated.
     */
    @Test
    void copiesSubmittedFromManyThreadsAtOnceAreDeliveredOnceAndEveryRecordIsDone() throws Exception {
        assertConcurrentCopies(Pipeline.OnGiveUp.DEAD_LETTER);
    }

    /**
     * The same when failures go back to the caller (receivers): a copy of an Event not yet acknowledged is sent
     * too (the caller's retry must not depend on the first copy), so an Event may reach the sink more than once, but
     * each copy is either sent or counted as deduplicated, and every record is done.
     */
    @Test
    void inFailSubmissionModeCopiesFromManyThreadsAreEachSentOrDeduplicated() throws Exception {
        assertConcurrentCopies(Pipeline.OnGiveUp.FAIL_SUBMISSION);
    }

    private void assertConcurrentCopies(Pipeline.OnGiveUp mode) throws Exception {
        int threads = 8;
        int events = 2_000;
        ScriptedSink sink = new ScriptedSink() {
            @Override
            public int maxConcurrentDeliveries() {
                return 4;
            }
        };
        List<String> bodies = new ArrayList<>();
        for (int i = 0; i < events; i++) {
            bodies.add(SampleEvents.json(i));
        }
        try (Pipeline<byte[]> p = builder(sink, new MemoryCheckpointStore()).onGiveUp(mode)
                .batchLimits(new BatchLimits(50, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024)).build()) {
            p.start();
            java.util.concurrent.CyclicBarrier start = new java.util.concurrent.CyclicBarrier(threads);
            List<Submission> submissions = java.util.Collections.synchronizedList(new ArrayList<>());
            try (java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads)) {
                List<java.util.concurrent.Future<?>> submitted = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    submitted.add(pool.submit(() -> {
                        start.await();
                        for (int from = 0; from < events; from += 100) {
                            List<SourceRecord<byte[]>> chunk = new ArrayList<>();
                            for (int i = from; i < from + 100; i++) {
                                int event = (i + thread * 137) % events;
                                chunk.add(new SourceRecord<>("t" + thread, Integer.toString(i), "t" + thread + "#" + i,
                                        bodies.get(event).getBytes(StandardCharsets.UTF_8)));
                            }
                            submissions.add(p.submit(chunk));
                        }
                        return null;
                    }));
                }
                for (java.util.concurrent.Future<?> f : submitted) {
                    f.get(2, java.util.concurrent.TimeUnit.MINUTES);
                }
            }
            assertThat(p.drain(Duration.ofMinutes(1))).isTrue();
            int sent = 0;
            int deduped = 0;
            for (Submission s : submissions) {
                s.done().get(1, java.util.concurrent.TimeUnit.MINUTES);
                sent += s.events();
                deduped += s.deduped();
            }
            List<String> delivered = sink.delivered();
            assertThat(new java.util.HashSet<>(delivered)).hasSize(events);
            assertThat(delivered).hasSize(sent);
            assertThat(sent + deduped).isEqualTo(threads * events);
            if (mode == Pipeline.OnGiveUp.DEAD_LETTER) {
                assertThat(delivered).doesNotHaveDuplicates();
            }
            for (int t = 0; t < threads; t++) {
                assertThat(p.committedPositions()).containsEntry("t" + t, Integer.toString(events - 1));
            }
        }
    }

    @Test
    void theLifecycleIsOneStateAndACommitPolicyDecidesWhenToWrite() throws Exception {
        java.util.concurrent.atomic.AtomicInteger writes = new java.util.concurrent.atomic.AtomicInteger();
        MemoryCheckpointStore memory = new MemoryCheckpointStore();
        CheckpointStore store = new CheckpointStore() {
            @Override
            public Map<String, String> load() {
                return memory.load();
            }

            @Override
            public void commit(Map<String, String> positions) {
                writes.incrementAndGet();
                memory.commit(positions);
            }
        };
        Pipeline<byte[]> p = builder(new ScriptedSink(), store)
                .batchLimits(new BatchLimits(1, 10 * 1024 * 1024, Duration.ofHours(1), 64 * 1024)) // one event per batch
                .commitPolicy(io.auditbridge.core.pipeline.CommitPolicy.every(4))
                .build();
        assertThat(p.state()).isEqualTo(Pipeline.State.CREATED);
        p.start();
        assertThat(p.state()).isEqualTo(Pipeline.State.STARTED);
        assertThatThrownBy(p::start).isInstanceOf(IllegalStateException.class).hasMessageContaining("STARTED");
        Submission s = p.submit(ListSource.records(1, 8));
        p.flush();
        s.done().get();
        p.close();
        assertThat(p.state()).isEqualTo(Pipeline.State.STOPPED);
        // Eight batches: two writes by the policy (after the 4th and the 8th); the close finds nothing new.
        assertThat(writes.get()).isEqualTo(2);
        assertThat(store.load()).isEqualTo(Map.of("p", "8"));
        p.close(); // a second close is harmless
    }

    @Test
    void positionsCommitPerPartitionInSubmissionOrder() throws Exception {
        ScriptedSink sink = new ScriptedSink();
        MemoryCheckpointStore store = new MemoryCheckpointStore(Map.of("a", "0"));
        try (Pipeline<byte[]> p = builder(sink, store).build()) {
            assertThat(p.start()).isEqualTo(Map.of("a", "0"));
            List<SourceRecord<byte[]>> records = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                records.add(new SourceRecord<>(i % 2 == 0 ? "a" : "b", Integer.toString(i), "r" + i,
                        SampleEvents.json(i).getBytes(StandardCharsets.UTF_8)));
            }
            p.submit(records);
            p.drain(Duration.ofMinutes(1));
        }
        assertThat(store.load()).isEqualTo(Map.of("a", "6", "b", "5"));
    }

    @Test
    void partitionsThatDoNotMoveKeepTheirCommittedPosition() throws Exception {
        MemoryCheckpointStore store = new MemoryCheckpointStore(Map.of("quiet", "41", "b", "0"));
        try (Pipeline<byte[]> p = builder(new ScriptedSink(), store).build()) {
            p.start();
            p.submit(List.of(new SourceRecord<>("b", "1", "r1", SampleEvents.json(1).getBytes(StandardCharsets.UTF_8))));
            p.drain(Duration.ofMinutes(1));
        }
        assertThat(store.load()).isEqualTo(Map.of("quiet", "41", "b", "1"));
    }
}
