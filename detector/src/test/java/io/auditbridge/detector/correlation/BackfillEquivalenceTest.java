package io.auditbridge.detector.correlation;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.detector.engine.Alert;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A backfill, a live stream shuffled within the allowed lateness, and an at-least-once redelivery with duplicates
 * must raise the same correlation alerts: they are a function of the events, not of their arrival.
 */
class BackfillEquivalenceTest {
    private static final Duration LATENESS = Duration.ofMinutes(2);
    private static final String CORRELATIONS = """
            - correlation: Forbidden burst
              type: event_count
              rules: [Forbidden]
              group_by: [ka.user.name]
              timespan: 1m
              threshold: {gte: 4}
              output: "%ka.user.name refused %correlation.count times"
              priority: WARNING
            - correlation: Secrets across namespaces
              type: value_count
              rules: [Secret Read]
              group_by: [ka.user.name]
              field: ka.target.namespace
              timespan: 10m
              threshold: {gte: 3}
              output: "%ka.user.name %correlation.values"
              priority: WARNING
            - correlation: Exec then secret read
              type: temporal_ordered
              rules: [Exec, Secret Read]
              group_by: [ka.user.name]
              timespan: 5m
              output: "%ka.user.name %correlation.auditids"
              priority: CRITICAL
            - correlation: Exactly two forbidden
              type: event_count
              rules: [Forbidden]
              group_by: [ka.user.name]
              timespan: 2m
              threshold: {eq: 2}
              output: "%ka.user.name exactly %correlation.count"
              priority: NOTICE
            """;

    private record Arrival(Event event, long key) {}

    @Test
    void inOrderShuffledWithinTheLatenessAndDuplicatedGiveTheSameAlerts() {
        Random random = new Random(20261205);
        List<Event> events = new ArrayList<>();
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            long seconds = random.nextInt(7200);
            String user = "user-" + random.nextInt(30);
            String id = "id-" + i;
            Event e = switch (random.nextInt(3)) {
                case 0 -> CorrelationFixture.forbidden(id, seconds, user);
                case 1 -> CorrelationFixture.secretGet(id, seconds, user, "ns-" + random.nextInt(5));
                default -> CorrelationFixture.exec(id, seconds, user);
            };
            events.add(e);
            times.add(seconds * 1000L);
        }
        long lateness = LATENESS.toMillis();

        List<Arrival> inOrder = new ArrayList<>();
        List<Arrival> shuffled = new ArrayList<>();
        List<Arrival> duplicated = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            long t = times.get(i);
            inOrder.add(new Arrival(events.get(i), t));
            // arriving up to (lateness - 1 ms) after its event time: never older than the watermark when it arrives
            shuffled.add(new Arrival(events.get(i), t + random.nextLong(lateness)));
            duplicated.add(new Arrival(events.get(i), t + random.nextLong(lateness)));
            if (random.nextInt(4) == 0) {
                duplicated.add(new Arrival(events.get(i), t + random.nextLong(lateness)));
            }
        }

        List<String> clean = run(inOrder);
        assertThat(clean).hasSizeGreaterThan(20);
        assertThat(clean).anyMatch(a -> a.contains("\"rule\":\"Forbidden burst\""))
                .anyMatch(a -> a.contains("\"rule\":\"Secrets across namespaces\""))
                .anyMatch(a -> a.contains("\"rule\":\"Exec then secret read\""))
                .anyMatch(a -> a.contains("\"rule\":\"Exactly two forbidden\""));
        assertThat(run(shuffled)).isEqualTo(clean);
        assertThat(run(duplicated)).isEqualTo(clean);
    }

    private static List<String> run(List<Arrival> arrivals) {
        List<Arrival> sorted = new ArrayList<>(arrivals);
        sorted.sort(Comparator.comparingLong(Arrival::key));
        var f = new CorrelationFixture(CORRELATIONS, new CorrelationEngine.Settings(LATENESS, 100_000, 100_000));
        sorted.forEach(a -> f.feed(a.event()));
        assertThat(f.metric("auditbridge.correlation.late.events")).isZero();
        return f.flush().stream().map(Alert::toJsonLine).toList();
    }
}
