package io.auditbridge.eks;

import io.auditbridge.core.poll.OverlapDedupe;
import io.auditbridge.core.poll.PollingWindow;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.Source;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.ops.PipelineMetrics;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsRequest;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;

/**
 * Reads the EKS audit log streams of one log group with FilterLogEvents, window after window.
 *
 * <p><b>Windows.</b> FilterLogEvents selects by event timestamp, both bounds inclusive, but EKS delivers
 * events to CloudWatch minutes late, and several events share a millisecond. So each window is the shared
 * {@link PollingWindow}'s {@code [cursor − overlap, now − lag]}: the lag leaves time for delivery, the overlap
 * re-reads the recent past to catch events that arrived behind the cursor, and their eventIds (not timestamps)
 * tell which were already sent. A window is read to its last page (an empty page with a nextToken is not the
 * end), with the query unchanged between pages, before the cursor moves to its end.
 *
 * <p><b>Position.</b> Partition = the log group; position = a cursor in epoch milliseconds. Each record
 * carries {@code max(its timestamp, the cursor the window started from)}, and a position-only
 * {@link CloudWatchLogEvent.Kind#WINDOW_END} record closes each window with its end. The pipeline commits a
 * position only when everything before it was acknowledged; a restart resumes at {@code committed − overlap},
 * so events in that overlap may be delivered again (the documented at-least-once window).
 *
 * <p><b>Failures.</b> Requests are spaced by a {@link RequestRateLimiter}. Throttling, 5xx and network errors
 * throw {@link TransientSourceException}; the runner backs off and the same page (same nextToken) is asked
 * again. Access denied and a missing log group throw {@link SourceNotReadyException}: polling goes on and
 * {@code /readyz} names the problem until a person fixes it. Other refusals end the run with a message.
 *
 * <p>A {@link #backfill} reads one fixed range {@code [since, until)} once and is then exhausted.
 */
public final class CloudWatchAuditSource implements Source<CloudWatchLogEvent> {
    private static final Logger log = LoggerFactory.getLogger(CloudWatchAuditSource.class);
    /** Refusals only a person can fix (IAM, enabling audit logging): keep polling, report not ready. */
    private static final java.util.Set<String> NEEDS_A_PERSON = java.util.Set.of("AccessDeniedException",
            "ResourceNotFoundException", "UnrecognizedClientException", "ExpiredTokenException");

    /**
     * What to read and how far behind real time.
     *
     * @param logGroup        {@code /aws/eks/<cluster>/cluster}
     * @param streamPrefix    {@code kube-apiserver-audit}
     * @param filterPattern   CloudWatch filter pattern applied server-side, or null for none
     * @param lag             the window ends this long before now (EKS delivers within minutes)
     * @param overlap         each window re-reads this much before the cursor
     * @param minAdvance      a new window is opened only once its end moved at least this far past the cursor
     * @param initialLookback on a first start without a checkpoint, the cursor starts this long before now − lag
     */
    public record Settings(String logGroup, String streamPrefix, String filterPattern, Duration lag, Duration overlap,
                           Duration minAdvance, Duration initialLookback) {
        public Settings {
            Objects.requireNonNull(logGroup, "logGroup");
            Objects.requireNonNull(streamPrefix, "streamPrefix");
            for (Duration d : new Duration[] {lag, overlap, minAdvance, initialLookback}) {
                if (d == null || d.isNegative()) {
                    throw new IllegalArgumentException("durations must be >= 0: " + d);
                }
            }
            if (filterPattern != null && filterPattern.isBlank()) {
                filterPattern = null;
            }
        }
    }

    private final CloudWatchLogsClient client;
    private final Settings settings;
    private final Clock clock;
    private final RequestRateLimiter limiter;
    private final PollingWindow windows;
    private final OverlapDedupe seen = new OverlapDedupe();
    private final Counter overlapDuplicates;
    private final Counter behindCursor;
    private final Counter requests;
    private final AtomicLong ingestionDelayMillis = new AtomicLong(-1);
    /** The open window's millisecond bounds (FilterLogEvents' endTime is inclusive); null between windows. */
    private Window window;
    private volatile boolean ready = true;

    /** One query window being read: its inclusive bounds in epoch ms and the next page's token. */
    private static final class Window {
        final long start;
        final long end;
        String nextToken;

        Window(PollingWindow.Range range) {
            this.start = range.start().toEpochMilli();
            this.end = range.lastIncluded(Duration.ofMillis(1)).toEpochMilli();
        }
    }

    private CloudWatchAuditSource(CloudWatchLogsClient client, Settings settings, Clock clock, RequestRateLimiter limiter,
                                  PipelineMetrics metrics, PollingWindow windows) {
        this.client = Objects.requireNonNull(client, "client");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.windows = windows;
        this.overlapDuplicates = metrics.counter("auditbridge.eks.events.overlap_duplicates",
                "CloudWatch events read again by an overlapping window and not passed on");
        this.behindCursor = metrics.counter("auditbridge.eks.events.behind_cursor",
                "New CloudWatch events whose timestamp was already behind the cursor (caught only by the overlap)");
        this.requests = metrics.counter("auditbridge.eks.filter_log_events.requests", "FilterLogEvents requests sent");
        metrics.gauge("auditbridge.eks.ingestion_delay.seconds",
                "Largest ingestionTime - timestamp in the last page read: how late EKS delivers to CloudWatch",
                () -> ingestionDelayMillis.get() < 0 ? Double.NaN : ingestionDelayMillis.get() / 1000.0);
        metrics.gauge("auditbridge.eks.cursor.age.seconds", "now - the cursor: how far behind real time reading is",
                () -> this.windows.position() == null ? Double.NaN
                        : (clock.millis() - this.windows.position().toEpochMilli()) / 1000.0);
    }

    /** Follows the log group: window after window, resuming from the committed cursor. */
    public static CloudWatchAuditSource follow(CloudWatchLogsClient client, Settings settings, Clock clock,
                                               RequestRateLimiter limiter, PipelineMetrics metrics) {
        return new CloudWatchAuditSource(client, settings, clock, limiter, metrics,
                PollingWindow.follow(settings.lag(), settings.overlap(), settings.minAdvance()));
    }

    /** Reads {@code [since, until)} once (FilterLogEvents' end is inclusive: until − 1 ms), then is exhausted. */
    public static CloudWatchAuditSource backfill(CloudWatchLogsClient client, Settings settings, Clock clock,
                                                 RequestRateLimiter limiter, PipelineMetrics metrics,
                                                 Instant since, Instant until) {
        return new CloudWatchAuditSource(client, settings, clock, limiter, metrics,
                PollingWindow.backfill(since, until, settings.overlap()));
    }

    @Override
    public void start(Map<String, String> committed) {
        if (windows.isBackfill()) {
            log.info("backfill of {} from {} until {}", settings.logGroup(), windows.position(), windows.until());
            return;
        }
        String position = committed.get(settings.logGroup());
        if (position != null) {
            try {
                windows.resumeAt(Instant.ofEpochMilli(Long.parseLong(position.trim())));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("checkpoint: the position of " + settings.logGroup()
                        + " is not epoch milliseconds; move the checkpoint file away to start over");
            }
            log.info("resuming {} from cursor {}", settings.logGroup(), windows.position());
        } else {
            windows.startFresh(Instant.ofEpochMilli(clock.millis()), settings.initialLookback());
            log.info("no checkpoint for {}: starting at {}", settings.logGroup(), windows.position());
        }
    }

    @Override
    public List<SourceRecord<CloudWatchLogEvent>> poll() throws TransientSourceException, InterruptedException {
        if (window == null) {
            var next = windows.open(Instant.ofEpochMilli(clock.millis()));
            if (next.isEmpty()) {
                return windows.exhausted() ? null : List.of();
            }
            window = new Window(next.get());
        }
        List<SourceRecord<CloudWatchLogEvent>> out = new ArrayList<>();
        while (true) {
            if (!limiter.acquire()) {
                return out;
            }
            FilterLogEventsResponse page;
            try {
                requests.increment();
                page = client.filterLogEvents(request(window));
                ready = true;
            } catch (SdkException e) {
                ready = false;
                // Nothing of this poll is lost: a poll returns as soon as a page brought records, so only
                // empty pages came before. The window keeps its token: the next poll asks the same page.
                throw classify(e);
            }
            accept(page, out);
            window.nextToken = page.nextToken();
            if (window.nextToken == null) {
                closeWindow(out);
                return out;
            }
            if (!out.isEmpty()) {
                return out;
            }
        }
    }

    private FilterLogEventsRequest request(Window w) {
        FilterLogEventsRequest.Builder b = FilterLogEventsRequest.builder()
                .logGroupName(settings.logGroup())
                .logStreamNamePrefix(settings.streamPrefix())
                .startTime(w.start)
                .endTime(w.end)
                // AWS ignores it and always interleaves (sorted by timestamp) since 2019; implementations that still
                // honour it (moto) would otherwise return stream after stream, out of timestamp order.
                .interleaved(true);
        if (settings.filterPattern() != null) {
            b.filterPattern(settings.filterPattern());
        }
        if (w.nextToken != null) {
            b.nextToken(w.nextToken);
        }
        return b.build();
    }

    private void accept(FilterLogEventsResponse page, List<SourceRecord<CloudWatchLogEvent>> out) {
        long maxDelay = -1;
        long keepFrom = windows.keepFrom().toEpochMilli();
        long continuesFrom = windows.current().orElseThrow().continuesFrom().toEpochMilli();
        for (FilteredLogEvent e : page.events()) {
            long ts = e.timestamp() == null ? continuesFrom : e.timestamp();
            if (!seen.firstTime(ts, e.eventId(), keepFrom)) {
                overlapDuplicates.increment();
                continue;
            }
            Instant timestamp = Instant.ofEpochMilli(ts);
            if (windows.isLate(timestamp)) {
                behindCursor.increment();
            }
            windows.handedOn(timestamp);
            long ingested = e.ingestionTime() == null ? -1 : e.ingestionTime();
            if (ingested >= 0) {
                maxDelay = Math.max(maxDelay, ingested - ts);
            }
            String position = Long.toString(windows.positionOf(timestamp).toEpochMilli());
            out.add(new SourceRecord<>(settings.logGroup(), position, e.eventId(), CloudWatchLogEvent.logEvent(
                    e.logStreamName(), e.eventId(), ts, ingested, e.message() == null ? "" : e.message())));
        }
        if (maxDelay >= 0) {
            ingestionDelayMillis.set(maxDelay);
        }
    }

    private void closeWindow(List<SourceRecord<CloudWatchLogEvent>> out) {
        long end = window.end;
        String id = "window-end:" + end;
        out.add(new SourceRecord<>(settings.logGroup(), Long.toString(end), id, CloudWatchLogEvent.windowEnd(id, end)));
        windows.complete();
        seen.forgetBefore(windows.rereadFrom());
        window = null;
    }

    /** How many eventIds the overlap dedupe holds now (bounded by the overlap, not the window). */
    int dedupeSize() {
        return seen.size();
    }

    /**
     * The failure contract of {@link io.auditbridge.core.Source#poll()}: throttling, 5xx and network trouble
     * pass ({@link TransientSourceException}); a denied permission or a missing log group needs a person, and
     * the bridge keeps polling until it is fixed ({@link SourceNotReadyException}); any other refusal is fatal.
     */
    private TransientSourceException classify(SdkException e) {
        if (e instanceof AwsServiceException ase) {
            if (ase.isThrottlingException() || ase.statusCode() >= 500 || ase.statusCode() == 429) {
                return transientError(e);
            }
            String code = ase.awsErrorDetails() == null ? "" : String.valueOf(ase.awsErrorDetails().errorCode());
            if (NEEDS_A_PERSON.contains(code) || ase.statusCode() == 403) {
                return new SourceNotReadyException("FilterLogEvents on " + settings.logGroup() + " refused: " + describe(ase)
                        + hint(ase), e);
            }
            throw new IllegalStateException("FilterLogEvents on " + settings.logGroup() + " failed: " + describe(ase) + hint(ase));
        }
        if (e instanceof SdkClientException) {
            return transientError(e);
        }
        throw new IllegalStateException("FilterLogEvents on " + settings.logGroup() + " failed: " + e.getClass().getSimpleName());
    }

    private TransientSourceException transientError(SdkException e) {
        String what = e instanceof AwsServiceException ase ? describe(ase) : "cannot reach CloudWatch Logs: " + e.getMessage();
        return new TransientSourceException("FilterLogEvents " + what + " (the same page is asked again)", e);
    }

    private static String describe(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
        String message = e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorMessage();
        return (code == null ? "error" : code) + " (HTTP " + e.statusCode() + ")" + (message == null ? "" : ": " + message);
    }

    private static String hint(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        return switch (code) {
            case "ResourceNotFoundException" -> " (is audit logging enabled for the cluster, and are --cluster and --region right?)";
            case "AccessDeniedException" -> " (the role needs logs:FilterLogEvents on the log group)";
            default -> "";
        };
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    /** The cursor in epoch ms: where the next window starts (less the overlap). */
    long cursor() {
        return windows.position().toEpochMilli();
    }

    @Override
    public void close() {
        client.close();
    }
}
