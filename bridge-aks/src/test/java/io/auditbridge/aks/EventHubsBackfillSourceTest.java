package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.messaging.eventhubs.EventData;
import com.azure.messaging.eventhubs.models.EventPosition;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventHubsBackfillSourceTest {
    private static final Instant T0 = Instant.parse("2026-11-29T10:00:00Z");

    /** A hub in memory: message n of a partition is enqueued at T0 + n minutes. */
    private static class FakeHub implements PartitionReader {
        final Map<String, List<EventData>> partitions = new LinkedHashMap<>();
        final List<String> reads = new ArrayList<>();

        FakeHub partition(String id, int messages) {
            List<EventData> list = new ArrayList<>();
            for (int n = 0; n < messages; n++) {
                list.add(new PositionedEventData(Bodies.message(id + "-" + n), n, T0.plusSeconds(60L * n)));
            }
            partitions.put(id, list);
            return this;
        }

        @Override
        public List<String> partitionIds() {
            return List.copyOf(partitions.keySet());
        }

        @Override
        public Long lastSequenceNumber(String partition) {
            List<EventData> list = partitions.get(partition);
            return list.isEmpty() ? null : list.getLast().getSequenceNumber();
        }

        @Override
        public List<EventData> read(String partition, EventPosition from, int max) {
            reads.add(partition + "@" + (from.getEnqueuedDateTime() != null ? "time" : "seq" + from.getSequenceNumber()));
            List<EventData> out = new ArrayList<>();
            for (EventData e : partitions.get(partition)) {
                boolean after = from.getEnqueuedDateTime() != null
                        ? !e.getEnqueuedTime().isBefore(from.getEnqueuedDateTime())
                        : e.getSequenceNumber() > from.getSequenceNumber();
                if (after && out.size() < max) {
                    out.add(e);
                }
            }
            return out;
        }
    }

    private static List<String> drain(EventHubsBackfillSource source) {
        source.start(Map.of());
        List<String> ids = new ArrayList<>();
        List<SourceRecord<byte[]>> batch;
        while ((batch = poll(source)) != null) {
            for (SourceRecord<byte[]> r : batch) {
                ids.add(r.partition() + ":" + r.position());
            }
        }
        return ids;
    }

    /** Polls as the runner does: a transient failure is retried (the runner would back off first). */
    private static List<SourceRecord<byte[]>> poll(EventHubsBackfillSource source) {
        while (true) {
            try {
                return source.poll();
            } catch (TransientSourceException e) {
                // the runner backs off, then polls again
            }
        }
    }

    @Test
    void anEmptyReadBeforeTheEndSequenceNumberIsRetriedNotTheEndOfThePartition() {
        FakeHub hub = new FakeHub() {
            int emptyAnswers = 3;

            @Override
            public List<EventData> read(String partition, EventPosition from, int max) {
                // Event Hubs answers an empty page when no message arrived within the receive timeout.
                if (from.getSequenceNumber() != null && from.getSequenceNumber() == 1 && emptyAnswers-- > 0) {
                    reads.add(partition + "@empty");
                    return List.of();
                }
                return super.read(partition, from, max);
            }
        }.partition("0", 6);
        List<String> read = drain(new EventHubsBackfillSource(hub, List.of("0"), T0, T0.plusSeconds(86_400), 2));
        assertThat(read).containsExactly("0:0", "0:1", "0:2", "0:3", "0:4", "0:5");
        assertThat(hub.reads).contains("0@empty");
    }

    @Test
    void aPartitionThatCannotBeFinishedFailsTheBackfill() {
        FakeHub hub = new FakeHub() {
            @Override
            public List<EventData> read(String partition, EventPosition from, int max) {
                return from.getSequenceNumber() != null && from.getSequenceNumber() >= 1 ? List.of() : super.read(partition, from, max);
            }
        }.partition("0", 6);
        EventHubsBackfillSource source = new EventHubsBackfillSource(hub, List.of("0"), T0, T0.plusSeconds(86_400), 2);
        source.start(Map.of());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            while (true) {
                try {
                    if (source.poll() == null) {
                        return;
                    }
                } catch (TransientSourceException e) {
                    // retried, as the runner does
                }
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("partition 0").hasMessageContaining("not finished");
    }

    @Test
    void aPartitionWhoseMessagesAreAllBeforeSinceIsDoneAfterOneEmptyRead() {
        FakeHub hub = new FakeHub().partition("0", 3);
        assertThat(drain(new EventHubsBackfillSource(hub, List.of("0"), T0.plusSeconds(3600), T0.plusSeconds(7200), 10))).isEmpty();
    }

    @Test
    void readsEachPartitionFromSinceUpToButExcludingUntilInPagesAndSkipsEmptyPartitions() {
        FakeHub hub = new FakeHub().partition("0", 10).partition("1", 0).partition("2", 4);

        List<String> read = drain(new EventHubsBackfillSource(hub, List.of(), T0.plusSeconds(120), T0.plusSeconds(420), 2));

        assertThat(read).containsExactly("0:2", "0:3", "0:4", "0:5", "0:6", "2:2", "2:3");
        assertThat(hub.reads).containsExactly("0@time", "0@seq3", "0@seq5", "2@time");
    }

    @Test
    void stopsAtTheLastMessageThePartitionHeldWhenTheBackfillStarted() {
        FakeHub hub = new FakeHub().partition("0", 3);
        EventHubsBackfillSource source = new EventHubsBackfillSource(hub, List.of("0"), T0, T0.plusSeconds(86_400), 100);
        source.start(Map.of());
        List<SourceRecord<byte[]>> first = poll(source);
        // Messages that arrive after the start are outside the backfill.
        hub.partitions.get("0").add(new PositionedEventData(Bodies.message("late"), 3, T0.plusSeconds(200)));

        assertThat(first).extracting(SourceRecord::position).containsExactly("0", "1", "2");
        assertThat(poll(source)).isNull();
    }

    @Test
    void onlyThePartitionsAskedForAreRead() {
        FakeHub hub = new FakeHub().partition("0", 2).partition("1", 2);

        assertThat(drain(new EventHubsBackfillSource(hub, List.of("1"), T0, T0.plusSeconds(3600), 10)))
                .containsExactly("1:0", "1:1");
    }
}
