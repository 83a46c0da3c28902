package io.auditbridge.gke;

import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.logging.v2.ListLogEntriesRequest;
import com.google.logging.v2.ListLogEntriesResponse;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.Source;
import io.auditbridge.core.SourceNotReadyException;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.TransientSourceException;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.poll.OverlapDedupe;
import io.auditbridge.core.poll.PollingWindow;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.retry.Sleeper;
import io.micrometer.core.instrument.Counter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls Cloud Logging {@code entries.list} for GKE audit entries, oldest first, one page per request.
 *
 * <p>Each window is the shared {@link PollingWindow}'s {@code [cursor − overlap, now − lag]}: the lag lets
 * ingestion catch up (entries appear after their timestamp), the overlap re-reads the recent past for entries
 * that arrived later still. Entries
 * already handed on are recognised by (insertId, timestamp), never by insertId alone (an exec's first and
 * last entries share it). Every record carries the {@link Cursor} after it as its position, which the
 * pipeline commits only once the sink acknowledged it; a restart resumes there however long it was down.
 *
 * <p>In backfill mode the one window is {@code [since, until)} and the source is exhausted after it.
 * Requests stay within a {@link RequestRateLimiter} per minute; RESOURCE_EXHAUSTED and UNAVAILABLE become
 * {@link TransientSourceException}s the runner backs off on; PERMISSION_DENIED, UNAUTHENTICATED and NOT_FOUND
 * become {@link SourceNotReadyException}s (keep polling, {@code /readyz} names the problem); a filter Cloud
 * Logging refuses is fatal.
 */
public final class CloudLoggingSource implements Source<LogEntry> {
    private static final Logger log = LoggerFactory.getLogger(CloudLoggingSource.class);

    private final LoggingClient client;
    private final AuditLogFilter filter;
    private final Settings settings;
    private final Clock clock;
    private final RequestRateLimiter budget;
    private final String partition;
    private final Counter requests;
    private final Counter throttled;
    private final Counter budgetWaits;
    private final Counter duplicates;
    private final Counter behindCursor;

    /** (timestamp, insertId) handed on since cursor − overlap; older keys are pruned as the cursor moves. */
    private final OverlapDedupe seen = new OverlapDedupe();
    private final PollingWindow windows;
    private Cursor cursor;
    private String windowFilter;
    private String pageToken;
    private volatile boolean ready = true;

    /**
     * @param lag           how far behind now a window ends (ignored in backfill)
     * @param overlap       how far before the cursor a window starts (ignored in backfill)
     * @param pollInterval  the least time between two windows
     * @param backfillSince non-null for backfill: the fixed window's start
     * @param backfillUntil non-null for backfill: the fixed window's end
     */
    public record Settings(Duration lag, Duration overlap, Duration pollInterval, int pageSize, int readsPerMinute,
                           Instant backfillSince, Instant backfillUntil) {
        public Settings {
            Objects.requireNonNull(lag, "lag");
            Objects.requireNonNull(overlap, "overlap");
            Objects.requireNonNull(pollInterval, "pollInterval");
            if (pageSize < 1 || pageSize > 1000) {
                throw new IllegalArgumentException("page size must be 1..1000: " + pageSize);
            }
            if ((backfillSince == null) != (backfillUntil == null)) {
                throw new IllegalArgumentException("backfill needs both since and until");
            }
        }

        boolean backfill() {
            return backfillSince != null;
        }
    }

    public CloudLoggingSource(LoggingClient client, AuditLogFilter filter, Settings settings, Clock clock,
                              PipelineMetrics metrics) {
        this.client = client;
        this.filter = filter;
        this.settings = settings;
        this.clock = clock;
        this.windows = settings.backfill()
                ? PollingWindow.backfill(settings.backfillSince(), settings.backfillUntil(), settings.overlap())
                : PollingWindow.follow(settings.lag(), settings.overlap(), settings.pollInterval());
        // Cloud Logging's read quota (60 or 120 a minute) is per project, shared by every reader of it.
        this.budget = new RequestRateLimiter(settings.readsPerMinute(), Duration.ofMinutes(1), clock, Sleeper.SYSTEM);
        this.partition = "projects/" + filter.project();
        this.requests = metrics.counter("auditbridge.gke.read_requests", "entries.list requests sent");
        this.throttled = metrics.counter("auditbridge.gke.throttled", "entries.list requests refused with RESOURCE_EXHAUSTED");
        this.budgetWaits = metrics.counter("auditbridge.gke.read_budget_waits", "Polls that waited because the read budget was spent");
        this.duplicates = metrics.counter("auditbridge.gke.duplicates", "Entries read again in the overlap and skipped");
        this.behindCursor = metrics.counter("auditbridge.gke.behind_cursor",
                "New entries whose timestamp was already behind the cursor (ingested late, caught only by the overlap)");
    }

    /** The partition the positions are committed under: one per project. */
    public String partition() {
        return partition;
    }

    @Override
    public void start(Map<String, String> committed) {
        String position = committed.get(partition);
        if (settings.backfill()) {
            cursor = Cursor.at(settings.backfillSince());
        } else if (position != null) {
            cursor = Cursor.decode(position);
            remember(cursor.timestamp(), cursor.insertIds());
            windows.resumeAt(cursor.timestamp());
            log.info("resuming {} after {} ({} entries at that timestamp already sent)", partition,
                    cursor.timestamp(), cursor.insertIds().size());
        } else {
            // A first start reads one overlap's worth of the past; older history is what backfill is for.
            windows.startFresh(clock.instant(), Duration.ZERO);
            cursor = Cursor.at(windows.rereadFrom());
            log.info("no committed position for {}: starting at {}", partition, cursor.timestamp());
        }
    }

    @Override
    public List<SourceRecord<LogEntry>> poll() throws TransientSourceException {
        List<SourceRecord<LogEntry>> out = new ArrayList<>();
        do {
            if (pageToken == null && !openWindow()) {
                return windows.exhausted() ? null : out;
            }
            if (!budget.tryAcquire()) {
                budgetWaits.increment();
                return out;
            }
            ListLogEntriesResponse page = fetch();
            for (LogEntry e : page.getEntriesList()) {
                accept(e, out);
            }
            pageToken = page.getNextPageToken().isEmpty() ? null : page.getNextPageToken();
            if (pageToken == null) {
                windows.complete();
            }
        } while (out.isEmpty() && pageToken != null);
        return out;
    }

    /** Starts the next window; false when there is none now (too early, empty range, or backfill done). */
    private boolean openWindow() {
        if (windows.current().isPresent()) {
            // Its first page failed or was never asked (read budget spent), or its page token was refused: read it
            // again from where the dedupe still reaches, up to a later end once due.
            windows.abandon();
        }
        Optional<PollingWindow.Range> range = windows.open(clock.instant());
        range.ifPresent(r -> windowFilter = filter.between(r.start(), r.end(), r.endIncluded()));
        return range.isPresent();
    }

    private ListLogEntriesResponse fetch() throws TransientSourceException {
        ListLogEntriesRequest.Builder req = ListLogEntriesRequest.newBuilder()
                .addResourceNames(partition)
                .setFilter(windowFilter)
                .setOrderBy("timestamp asc")
                .setPageSize(settings.pageSize());
        if (pageToken != null) {
            req.setPageToken(pageToken);
        }
        requests.increment();
        try {
            ListLogEntriesResponse page = client.listLogEntriesCallable().call(req.build());
            ready = true;
            return page;
        } catch (ApiException e) {
            ready = false;
            StatusCode.Code code = e.getStatusCode().getCode();
            switch (code) {
                case RESOURCE_EXHAUSTED -> {
                    throttled.increment();
                    throw new TransientSourceException("Cloud Logging read quota exhausted (RESOURCE_EXHAUSTED): " + quotaHint(e), e);
                }
                case UNAVAILABLE, DEADLINE_EXCEEDED, INTERNAL, ABORTED, UNKNOWN, CANCELLED ->
                        throw new TransientSourceException("Cloud Logging " + code + ": " + e.getMessage(), e);
                case INVALID_ARGUMENT -> {
                    if (pageToken != null) {
                        // Page tokens expire (24 h); read the window again from its start, dedupe covers the overlap.
                        pageToken = null;
                        throw new TransientSourceException("page token refused, restarting the window: " + e.getMessage(), e);
                    }
                    // A filter Cloud Logging refuses will never work: stop with the reason.
                    throw new ConfigException("--extra-filter", "Cloud Logging refused the request: " + e.getMessage());
                }
                default -> // PERMISSION_DENIED, UNAUTHENTICATED, NOT_FOUND: a person fixes it outside; keep trying, unready.
                        throw new SourceNotReadyException("Cloud Logging " + code + " for " + partition
                                + " (needs roles/logging.viewer, and roles/logging.privateLogViewer for data_access): " + e.getMessage(), e);
            }
        }
    }

    private static String quotaHint(ApiException e) {
        String m = e.getMessage();
        return m == null ? "" : m.length() > 200 ? m.substring(0, 200) : m;
    }

    private void accept(LogEntry e, List<SourceRecord<LogEntry>> out) {
        Instant ts = Instant.ofEpochSecond(e.getTimestamp().getSeconds(), e.getTimestamp().getNanos());
        String id = e.getInsertId();
        if (!remember(ts, Set.of(id))) {
            duplicates.increment();
            return;
        }
        if (windows.isLate(ts)) {
            behindCursor.increment();
        }
        Instant before = cursor.timestamp();
        cursor = cursor.after(id, ts);
        windows.handedOn(ts);
        if (cursor.timestamp().isAfter(before)) {
            // Pages come oldest first and no later window starts before rereadFrom (cursor − overlap): older keys
            // cannot come again, and a days-long window or backfill must not keep them all.
            seen.forgetBefore(windows.rereadFrom());
        }
        out.add(new SourceRecord<>(partition, cursor.encode(), id, e));
    }

    /** Records entries as handed on; false when none of them was new. */
    private boolean remember(Instant ts, Set<String> ids) {
        boolean any = false;
        for (String id : ids) {
            any |= seen.firstTime(ts, id);
        }
        return any;
    }

    /** How many (insertId, timestamp) keys are kept for dedupe: bounded by the entries of one overlap. */
    int rememberedKeys() {
        return seen.size();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public void close() {
        client.close();
    }
}
