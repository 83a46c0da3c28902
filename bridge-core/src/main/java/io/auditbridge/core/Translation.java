package io.auditbridge.core;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a Translator made of one record: the Events, the errors (bad input, counted and logged with the
 * record id), and the skips (input that is fine but not for us, counted by reason).
 */
public record Translation(List<Event> events, List<RecordError> errors, Map<String, Integer> skipped) {
    public Translation {
        events = List.copyOf(events);
        errors = List.copyOf(errors);
        skipped = Map.copyOf(skipped);
    }

    public static Translation of(Event... events) {
        return new Translation(List.of(events), List.of(), Map.of());
    }

    public static Translation skipped(String reason) {
        return new Translation(List.of(), List.of(), Map.of(reason, 1));
    }

    public static Translation failed(RecordError error) {
        return new Translation(List.of(), List.of(error), Map.of());
    }

    public static Builder builder() {
        return new Builder();
    }

    public int skippedCount() {
        if (skipped.isEmpty()) {
            return 0; // the usual case, asked per record: no stream
        }
        return skipped.values().stream().mapToInt(Integer::intValue).sum();
    }

    /** Collects a Translation for a record that holds several provider items. */
    public static final class Builder {
        private final List<Event> events = new ArrayList<>();
        private final List<RecordError> errors = new ArrayList<>();
        private final Map<String, Integer> skipped = new LinkedHashMap<>();

        public Builder event(Event e) {
            events.add(e);
            return this;
        }

        public Builder error(RecordError e) {
            errors.add(e);
            return this;
        }

        public Builder skip(String reason) {
            skipped.merge(reason, 1, Integer::sum);
            return this;
        }

        public Builder addAll(Translation t) {
            events.addAll(t.events());
            errors.addAll(t.errors());
            t.skipped().forEach((k, v) -> skipped.merge(k, v, Integer::sum));
            return this;
        }

        public Translation build() {
            return new Translation(events, errors, skipped);
        }
    }
}
