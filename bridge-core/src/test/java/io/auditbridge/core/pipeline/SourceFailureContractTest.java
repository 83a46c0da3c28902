package io.auditbridge.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.DeliveryResult;
import io.auditbridge.core.Event;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.Sink;
import io.auditbridge.core.Source;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.testing.MemoryCheckpointStore;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.sink.DeadLetterFile;
import io.auditbridge.core.testing.ListSource;
import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.RecordingSleeper;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure contract of {@link Source#poll()} as the one {@link SourceRunner} applies it to every poller:
 * transient failures back off and poll again, "not ready" ones keep polling and say why, anything else ends
 * the run after draining what was fetched.
 */
class SourceFailureContractTest {
    @TempDir
    Path dir;

    private final ManualClock clock = new ManualClock(Instant.parse("2026-12-05T12:00:00Z"));
    private final RecordingSleeper sleeper = new RecordingSleeper(clock);
    private final List<String> delivered = new CopyOnWriteArrayList<>();
    private Pipeline<byte[]> pipeline;

    /** Collects what reaches it; answers Delivered. */
    private final Sink sink = new Sink() {
        @Override
        public DeliveryResult deliver(List<Event> events) {
            events.forEach(e -> delivered.add(e.auditId()));
            return DeliveryResult.DELIVERED;
        }
    };

    /** Each step is either records to return or a failure to throw; null ends the source. */
    private final class ScriptedSource implements Source<byte[]> {
        final List<Object> steps;
        final List<String> readinessSeenAtEachPoll = new ArrayList<>();
        SourceRunner<byte[]> runner;
        int polls;

        ScriptedSource(Object... steps) {
            this.steps = new ArrayList<>(List.of(steps));
        }

        @Override
        public void start(Map<String, String> committed) {}

        @Override
        @SuppressWarnings("unchecked")
        public List<SourceRecord<byte[]>> poll() throws Exception {
            readinessSeenAtEachPoll.add(String.valueOf(runner.notReadyReason()));
            if (polls >= steps.size()) {
                return null;
            }
            Object step = steps.get(polls++);
            if (step instanceof Exception e) {
                throw e;
            }
            return (List<SourceRecord<byte[]>>) step;
        }
    }

    private SourceRunner<byte[]> runner(ScriptedSource source) {
        pipeline = Pipeline.builder("test", new K8sEventTranslator("test", Map.of()), sink)
                .checkpoints(new MemoryCheckpointStore())
                .deadLetters(new DeadLetterFile(dir.resolve("dead.ndjson"), clock))
                .clock(clock)
                .build();
        SourceRunner<byte[]> runner = new SourceRunner<>(source, pipeline, Duration.ofSeconds(30),
                RetryPolicy.builder().initialDelay(Duration.ofSeconds(1)).maxDelay(Duration.ofMinutes(2)).random(() -> 1.0).build(),
                sleeper, clock);
        source.runner = runner;
        return runner;
    }

    @AfterEach
    void close() throws Exception {
        if (pipeline != null) {
            pipeline.close();
        }
    }

    @Test
    void aTransientFailureBacksOffHonoursRetryAfterAndPollsAgainUntilReady() throws Exception {
        ScriptedSource source = new ScriptedSource(
                ListSource.records(1, 2),
                new TransientSourceException("ThrottlingException (HTTP 400)", null, Duration.ofSeconds(7)),
                new TransientSourceException("UNAVAILABLE", null),
                ListSource.records(3, 2));
        SourceRunner<byte[]> runner = runner(source);

        assertThat(runner.run(Duration.ofSeconds(10))).isTrue();

        assertThat(delivered).hasSize(4);
        // The provider's 7 s, then the policy's own next step (2 s with the jitter pinned to its ceiling).
        assertThat(sleeper.waits()).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(2));
        assertThat(source.readinessSeenAtEachPoll).containsExactly("null", "null",
                "fetch failing: ThrottlingException (HTTP 400)", "fetch failing: UNAVAILABLE", "null");
        assertThat(runner.notReadyReason()).isNull();
        assertThat(pipeline.metrics().count("auditbridge.source.transient_errors")).isEqualTo(2);
    }

    @Test
    void aFailureOnlyAPersonCanFixKeepsPollingNeverExitsAndSaysWhy() throws Exception {
        String denied = "Cloud Logging PERMISSION_DENIED for projects/p (needs roles/logging.viewer)";
        ScriptedSource source = new ScriptedSource(
                new SourceNotReadyException(denied, null),
                new SourceNotReadyException(denied, null),
                new SourceNotReadyException(denied, null),
                ListSource.records(1, 3));
        SourceRunner<byte[]> runner = runner(source);

        assertThat(runner.run(Duration.ofSeconds(10))).isTrue();

        // Polled on after every refusal, the reason on /readyz without a prefix, and healed by the fourth poll.
        assertThat(source.readinessSeenAtEachPoll).containsExactly("null", denied, denied, denied, "null");
        assertThat(sleeper.waits()).hasSize(3);
        assertThat(delivered).hasSize(3);
    }

    @Test
    void anyOtherFailureEndsTheRunAfterWhatWasFetchedIsDeliveredAndCommitted() throws Exception {
        ScriptedSource source = new ScriptedSource(
                ListSource.records(1, 2),
                new IllegalStateException("FilterLogEvents on /aws/eks/x/cluster failed: InvalidParameterException"));
        SourceRunner<byte[]> runner = runner(source);

        assertThatThrownBy(() -> runner.run(Duration.ofSeconds(10)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("InvalidParameterException");
        assertThat(sleeper.waits()).isEmpty();
        pipeline.drain(Duration.ofSeconds(10));
        assertThat(delivered).hasSize(2);
        assertThat(pipeline.committedPositions()).containsEntry("p", "2");
    }
}
