package io.auditbridge.eks;

import java.util.Objects;

/**
 * One CloudWatch Logs log event as the EKS bridge sees it, whichever way it arrived: a FilterLogEvents
 * {@code FilteredLogEvent}, a {@code logEvents[]} item of a subscription payload, or a line of a saved file.
 *
 * @param kind          what the record is for; only {@link Kind#LOG_EVENT} carries a message
 * @param logStream     the stream it was written to ({@code kube-apiserver-audit-<hex>}), or null when unknown
 *                      (a raw line from a file)
 * @param id            CloudWatch's eventId, or where the line came from ({@code file:line})
 * @param timestamp     event time in epoch ms, or -1 when unknown
 * @param ingestionTime when CloudWatch ingested it, in epoch ms, or -1 when unknown (subscriptions omit it)
 * @param message       the log line: one {@code audit.k8s.io/v1} Event in JSON, possibly truncated
 * @param logGroup      the log group it came from when the record says so (a subscription payload's
 *                      {@code logGroup}), else null
 */
public record CloudWatchLogEvent(Kind kind, String logStream, String id, long timestamp, long ingestionTime,
                                 String message, String logGroup) {
    public enum Kind {
        /** A log line to translate. */
        LOG_EVENT,
        /** A subscription's {@code CONTROL_MESSAGE} (CloudWatch checking the destination): skipped, counted. */
        CONTROL_MESSAGE,
        /**
         * Position-only: the poller read a whole query window. It carries nothing to translate; its position
         * moves the committed cursor to the window's end once everything before it was acknowledged.
         */
        WINDOW_END
    }

    public CloudWatchLogEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind == Kind.LOG_EVENT) {
            Objects.requireNonNull(message, "message");
        }
    }

    public static CloudWatchLogEvent logEvent(String logStream, String id, long timestamp, long ingestionTime, String message) {
        return new CloudWatchLogEvent(Kind.LOG_EVENT, logStream, id, timestamp, ingestionTime, message, null);
    }

    /** This event, as read from the log group {@code group}. */
    public CloudWatchLogEvent withLogGroup(String group) {
        return new CloudWatchLogEvent(kind, logStream, id, timestamp, ingestionTime, message, group);
    }

    /** A line of a file, with no CloudWatch metadata. */
    public static CloudWatchLogEvent line(String id, String message) {
        return new CloudWatchLogEvent(Kind.LOG_EVENT, null, id, -1, -1, message, null);
    }

    public static CloudWatchLogEvent controlMessage(String id) {
        return new CloudWatchLogEvent(Kind.CONTROL_MESSAGE, null, id, -1, -1, null, null);
    }

    public static CloudWatchLogEvent windowEnd(String id, long windowEnd) {
        return new CloudWatchLogEvent(Kind.WINDOW_END, null, id, windowEnd, -1, null, null);
    }
}
