package io.auditbridge.core.cli;

import io.auditbridge.core.ops.PipelineMetrics;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** The final summary lines of one-shot commands, shared so every bridge reports the same counts the same way. */
public final class Summaries {
    /** Counted by the embedded detector (detector's BatchEvaluator) in the pipeline's registry, by priority. */
    public static final String ALERTS_METRIC = "auditbridge.detector.alerts";

    private Summaries() {}

    /** {@code ", N alerts"} (and the field) when the sink is the embedded detector, else nothing. */
    public static String alerts(SinkOptions sink, PipelineMetrics metrics, Map<String, Object> fields) {
        if (sink == null || !sink.isEmbedded()) {
            return "";
        }
        long alerts = (long) metrics.count(ALERTS_METRIC);
        fields.put("alerts", alerts);
        return ", " + alerts + " alerts";
    }

    /** {@code "<label> SINCE .. UNTIL: N events delivered, …"} for a backfill, from the pipeline's counters. */
    public static void backfill(PrintWriter err, String source, Instant since, Instant until, PipelineMetrics m, SinkOptions sink,
            Map<String, Object> extra) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("source", source);
        fields.put("since", since.toString());
        fields.put("until", until.toString());
        fields.putAll(extra);
        long delivered = (long) m.count("auditbridge.events.out");
        long skipped = (long) m.count("auditbridge.events.skipped");
        long errors = (long) m.count("auditbridge.records.errored");
        long deduped = (long) m.count("auditbridge.events.deduped");
        long deadLettered = (long) m.count("auditbridge.events.dead_lettered");
        fields.put("events", delivered);
        fields.put("skipped", skipped);
        fields.put("recordErrors", errors);
        fields.put("deduplicated", deduped);
        fields.put("deadLettered", deadLettered);
        StringBuilder text = new StringBuilder(source + " backfill " + since + " .. " + until + ": ");
        extra.forEach((k, v) -> text.append(v).append(' ').append(k).append(", "));
        text.append(delivered).append(" events delivered, ").append(skipped).append(" skipped, ").append(errors)
                .append(" record errors, ").append(deduped).append(" deduplicated, ").append(deadLettered).append(" dead-lettered");
        text.append(alerts(sink, m, fields));
        CliOutput.summary(err, text.toString(), fields);
    }

    /** Events delivered so far, for progress lines. */
    public static long delivered(PipelineMetrics m) {
        return (long) m.count("auditbridge.events.out");
    }

    /** The event time the delivered events have reached ("lag" gauge), or null. */
    public static String timeReached(PipelineMetrics m) {
        var gauge = m.registry().find("auditbridge.lag.seconds").gauge();
        return gauge == null ? null : Progress.timeReached(gauge.value(), java.time.Clock.systemUTC());
    }
}
