package io.auditbridge.core.sink;

import static org.awaitility.Awaitility.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.DeliveryFailedException;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.pipeline.BatchLimits;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.retry.RetryPolicy;
import io.auditbridge.core.testing.FaultyDisk;
import io.auditbridge.core.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoint and dead-letter files on a disk that writes short or fills up (a FileChannel that really fails,
 * over real files): nothing torn, nothing renamed over a good file, nothing counted as done that was not written.
 */
class DiskFaultTest {
    @TempDir
    Path dir;

    private final FaultyDisk disk = new FaultyDisk();

    // ---- checkpoint file ----

    @Test
    void aCheckpointWrittenInShortWritesIsComplete() throws Exception {
        disk.maxBytesPerWrite.set(7);
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"), disk.channels());
        Map<String, String> positions = Map.of("projects/p/logs/a", "2026-11-29T10:00:00Z|id-1", "b", "42");
        store.commit(positions);
        assertThat(new FileCheckpointStore(dir.resolve("cp.json")).load()).isEqualTo(positions);
    }

    @Test
    void aCheckpointThatDoesNotFitOnTheDiskNeverReplacesTheGoodOne() throws Exception {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"), disk.channels());
        store.commit(Map.of("p", "10"));
        disk.freeBytes.set(20);
        assertThatThrownBy(() -> store.commit(Map.of("p", "20", "q", "5"))).isInstanceOf(IOException.class)
                .hasMessageContaining("No space left on device");
        assertThat(new FileCheckpointStore(dir.resolve("cp.json")).load()).isEqualTo(Map.of("p", "10"));
        assertThat(dir.resolve("cp.json.tmp")).doesNotExist();
        disk.free();
        store.commit(Map.of("p", "20"));
        assertThat(store.load()).isEqualTo(Map.of("p", "20"));
    }

    // ---- dead-letter file ----

    private DeadLetterFile deadLetters(long maxBytes, int maxFiles) {
        return new DeadLetterFile(dir.resolve("dead.ndjson"), Clock.systemUTC(), disk.channels(), maxBytes, maxFiles);
    }

    private List<String> lines(Path p) throws IOException {
        return Files.readAllLines(p);
    }

    private static boolean isJson(String line) {
        try {
            EventJson.MAPPER.readTree(line);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aDeadLetterThatFailsHalfWayIsCutOffAndTheNextLineIsWhole() throws Exception {
        try (DeadLetterFile file = deadLetters(DeadLetterFile.UNLIMITED, 0)) {
            disk.maxBytesPerWrite.set(100); // short writes all along
            file.event(SampleEvents.event(1), "rejected: HTTP 400");
            disk.freeBytes.set(300); // the disk fills up in the middle of the next line
            assertThatThrownBy(() -> file.event(SampleEvents.event(2), "rejected: HTTP 400"))
                    .hasMessageContaining("No space left on device");
            disk.free();
            file.event(SampleEvents.event(3), "rejected: HTTP 400");
        }
        List<String> lines = lines(dir.resolve("dead.ndjson"));
        assertThat(lines).hasSize(2).allSatisfy(l -> assertThat(isJson(l)).as(l).isTrue());
        assertThat(lines.get(0)).contains(SampleEvents.auditId(1));
        assertThat(lines.get(1)).contains(SampleEvents.auditId(3));
    }

    @Test
    void whenTheTornLineCannotBeCutOffTheNextDeadLetterStartsOnANewLine() throws Exception {
        try (DeadLetterFile file = deadLetters(DeadLetterFile.UNLIMITED, 0)) {
            file.event(SampleEvents.event(1), "rejected");
            disk.freeBytes.set(300);
            disk.failTruncate = true;
            assertThatThrownBy(() -> file.event(SampleEvents.event(2), "rejected")).isInstanceOf(IOException.class);
            disk.free();
            file.event(SampleEvents.event(3), "rejected");
        }
        List<String> lines = lines(dir.resolve("dead.ndjson"));
        assertThat(lines).hasSize(3);
        assertThat(isJson(lines.get(0))).isTrue();
        assertThat(isJson(lines.get(1))).as("the torn line stays on its own").isFalse();
        assertThat(isJson(lines.get(2))).isTrue();
        assertThat(lines.get(2)).contains(SampleEvents.auditId(3));
    }

    @Test
    void theFileRotatesAtItsCapAndRefusesWhenFullRatherThanDeleteOrFillTheDisk() throws Exception {
        int written = 0;
        try (DeadLetterFile file = deadLetters(6_000, 2)) {
            while (true) {
                try {
                    file.event(SampleEvents.event(written + 1), "rejected");
                    written++;
                } catch (DeadLetterFile.DeadLetterFullException full) {
                    assertThat(full).hasMessageContaining("is full");
                    break;
                }
                assertThat(written).as("never full").isLessThan(1000);
            }
            assertThat(Files.size(dir.resolve("dead.ndjson"))).isLessThanOrEqualTo(6_000);
            int kept = 0;
            for (String name : List.of("dead.ndjson", "dead.ndjson.1", "dead.ndjson.2")) {
                kept += lines(dir.resolve(name)).size();
            }
            assertThat(kept).as("every dead letter written is still there").isEqualTo(written);
            assertThat(dir.resolve("dead.ndjson.3")).doesNotExist();

            // An operator moves the rotated files away: there is room again.
            Files.move(dir.resolve("dead.ndjson.2"), dir.resolve("archived-2.ndjson"));
            file.event(SampleEvents.event(9999), "rejected");
        }
        assertThat(lines(dir.resolve("dead.ndjson"))).last().asString().contains(SampleEvents.auditId(9999));
    }

    // ---- the pipeline on a full disk ----

    private static List<SourceRecord<byte[]>> smallLargeSmall() {
        String large = new String(SampleEvents.large(2, 300 * 1024).toJsonBytes(), StandardCharsets.UTF_8);
        return List.of(
                new SourceRecord<>("p", "1", "rec-1", SampleEvents.json(1).getBytes(StandardCharsets.UTF_8)),
                new SourceRecord<>("p", "2", "rec-2", large.getBytes(StandardCharsets.UTF_8)),
                new SourceRecord<>("p", "3", "rec-3", SampleEvents.json(3).getBytes(StandardCharsets.UTF_8)));
    }

    private Pipeline.Builder<byte[]> pipeline(ByteArrayOutputStream out) {
        return Pipeline.builder("test", new K8sEventTranslator(null, Map.of()), new ConsoleSink(new PrintStream(out, true)))
                .checkpoints(new FileCheckpointStore(dir.resolve("cp.json")))
                .deadLetters(deadLetters(DeadLetterFile.UNLIMITED, 0))
                .batchLimits(new BatchLimits(500, 10 * 1024 * 1024, Duration.ofMillis(5), 256 * 1024))
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5)).build());
    }

    @Test
    void aPollerWaitsForTheOversizedEventsDeadLetterAndSaysWhyOnReadyz() throws Exception {
        disk.fill();
        try (Pipeline<byte[]> p = pipeline(new ByteArrayOutputStream()).build()) {
            p.start();
            CompletableFuture<Void> done = CompletableFuture.supplyAsync(() -> {
                try {
                    return p.submit(smallLargeSmall());
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }).thenCompose(s -> {
                p.flush();
                return s.done();
            });
            await().atMost(Duration.ofMinutes(1)).until(() -> disk.failedWrites.get() >= 3);
            assertThat(p.notReadyReason()).contains("dead-letter write failing").contains("No space left on device");
            p.flush();
            p.drain(Duration.ofMillis(50));
            assertThat(p.committedPositions().getOrDefault("p", "0")).isIn("0", "1");
            assertThat(done).isNotDone();

            disk.free();
            done.get();
            p.drain(Duration.ofMinutes(1));
            assertThat(p.committedPositions()).isEqualTo(Map.of("p", "3"));
            assertThat(p.notReadyReason()).isNull();
        }
        assertThat(lines(dir.resolve("dead.ndjson"))).hasSize(1).allSatisfy(l -> assertThat(l).contains("event_too_large"));
    }

    @Test
    void aReceiversOversizedEventThatCannotBeDeadLetteredFailsItsSubmission() throws Exception {
        disk.fill();
        try (Pipeline<byte[]> p = pipeline(new ByteArrayOutputStream())
                .onGiveUp(Pipeline.OnGiveUp.FAIL_SUBMISSION)
                .retry(RetryPolicy.builder().initialDelay(Duration.ofMillis(1)).maxDelay(Duration.ofMillis(5))
                        .maxRetryDuration(Duration.ofMillis(50)).build())
                .build()) {
            p.start();
            var s = p.submit(smallLargeSmall());
            p.flush();
            assertThatThrownBy(() -> s.done().get()).isInstanceOf(ExecutionException.class)
                    .cause().isInstanceOf(DeliveryFailedException.class).hasMessageContaining("No space left on device");
            p.drain(Duration.ofMinutes(1));
            assertThat(p.committedPositions().getOrDefault("p", "0")).isIn("0", "1");
        }
    }
}
