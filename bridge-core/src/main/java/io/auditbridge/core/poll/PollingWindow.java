package io.auditbridge.core.poll;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The time windows a poller of a timestamp-filtered log API (CloudWatch Logs FilterLogEvents, Cloud Logging
 * entries.list) reads one after another, and the position they leave behind.
 *
 * <p><b>Following.</b> Each window is {@code [max(position, newest handed on) − overlap, now − lag]}, both ends
 * included. The lag gives the provider time to ingest (entries appear after their timestamp); the overlap re-reads
 * the recent past for entries ingested later still, which {@link OverlapDedupe} tells from the ones already handed
 * on. A window opens once its end is at least {@code minAdvance} past the end of the window opened before it, so a
 * poller never asks for slivers; the first window after start only has to be non-empty. A window read to its last
 * page is {@link #complete completed} and the position moves to its end.
 *
 * <p><b>Given up.</b> A window abandoned before its last page (a page token the provider refused, a first page that
 * failed) is opened again later, from {@link #rereadFrom()}: the newest entry handed on less the overlap, as far
 * back as the dedupe still reaches, so neither a gap nor a duplicate follows.
 *
 * <p><b>Backfill.</b> One window {@code [since, until)} (until excluded: {@link Range#endIncluded()} is false), read
 * once, again from the newest entry handed on if abandoned; then the window is {@link #exhausted()}.
 *
 * <p>Time comes in as {@code now} on each call, so a test drives it with a fixed clock. Used by one thread, the
 * poller's; {@link #position()} may be read from any thread (a gauge of how far behind reading is).
 */
public final class PollingWindow {
    private final Duration lag;
    private final Duration overlap;
    private final Duration minAdvance;
    /** Backfill only: the range's bounds. Following: null. */
    private final Instant since;
    private final Instant until;

    /** End of the last completed window, or where reading started: everything before it was handed on. */
    private volatile Instant position;
    /** The newest entry timestamp handed on since start; null before the first. */
    private Instant newest;
    private Range open;
    /** End of the last window opened since start, completed or not; null before the first. */
    private Instant lastOpenedEnd;
    private boolean completedOne;
    private boolean exhausted;

    /**
     * One query's time range: entries with {@code start <= timestamp <= end}, or {@code < end} when
     * {@code endIncluded} is false (a backfill's until).
     *
     * @param continuesFrom the position when it opened: entries before it were handed on by earlier windows
     */
    public record Range(Instant start, Instant end, boolean endIncluded, Instant continuesFrom) {
        /** The last instant the range includes at the provider's timestamp resolution (1 ms for CloudWatch Logs). */
        public Instant lastIncluded(Duration resolution) {
            return endIncluded ? end : end.minus(resolution);
        }
    }

    private PollingWindow(Duration lag, Duration overlap, Duration minAdvance, Instant since, Instant until) {
        this.lag = nonNegative(lag, "lag");
        this.overlap = nonNegative(overlap, "overlap");
        this.minAdvance = nonNegative(minAdvance, "minAdvance");
        this.since = since;
        this.until = until;
        this.position = since;
    }

    /**
     * Follows the log, window after window; {@link #resumeAt} or {@link #startFresh} before the first.
     *
     * @param lag        how far behind now a window ends
     * @param overlap    how far before the position a window starts
     * @param minAdvance how far past the last window's end a new window must reach before it opens
     */
    public static PollingWindow follow(Duration lag, Duration overlap, Duration minAdvance) {
        return new PollingWindow(lag, overlap, minAdvance, null, null);
    }

    /**
     * Reads {@code [since, until)} once. {@code overlap} only sets how much of the range's end {@link #keepFrom()}
     * keeps for dedupe and how far back an abandoned window restarts.
     */
    public static PollingWindow backfill(Instant since, Instant until, Duration overlap) {
        Objects.requireNonNull(since, "since");
        Objects.requireNonNull(until, "until");
        if (!until.isAfter(since)) {
            throw new IllegalArgumentException("until must be after since: " + since + " .. " + until);
        }
        return new PollingWindow(Duration.ZERO, overlap, Duration.ZERO, since, until);
    }

    public boolean isBackfill() {
        return since != null;
    }

    /** Continues after a committed position: the first window re-reads the overlap before it. */
    public void resumeAt(Instant committed) {
        requireFollowing();
        position = Objects.requireNonNull(committed, "committed");
    }

    /**
     * Starts without a committed position, {@code lookback} before {@code now − lag}; the first window re-reads one
     * overlap before that too.
     */
    public void startFresh(Instant now, Duration lookback) {
        requireFollowing();
        position = now.minus(lag).minus(nonNegative(lookback, "lookback"));
    }

    /**
     * Opens the next window, or empty when there is none now: not due yet, empty, or the backfill is done.
     *
     * @throws IllegalStateException while a window is open (complete or abandon it first)
     */
    public Optional<Range> open(Instant now) {
        if (position == null) {
            throw new IllegalStateException("resumeAt or startFresh first");
        }
        if (open != null) {
            throw new IllegalStateException("a window is open: " + open);
        }
        if (exhausted) {
            return Optional.empty();
        }
        Instant start = rereadFrom();
        Instant end;
        if (isBackfill()) {
            end = until;
        } else {
            end = now.minus(lag);
            if (!end.isAfter(start)) {
                return Optional.empty();
            }
            if (lastOpenedEnd != null && (!end.isAfter(lastOpenedEnd) || end.isBefore(lastOpenedEnd.plus(minAdvance)))) {
                return Optional.empty();
            }
        }
        open = new Range(start, end, !isBackfill(), position);
        lastOpenedEnd = end;
        return Optional.of(open);
    }

    /** The window being read, if one is open. */
    public Optional<Range> current() {
        return Optional.ofNullable(open);
    }

    /** Records that an entry with this timestamp was handed on: an abandoned window restarts no earlier than it − overlap. */
    public void handedOn(Instant timestamp) {
        if (newest == null || timestamp.isAfter(newest)) {
            newest = timestamp;
        }
    }

    /** The open window was read to its last page: the position moves to its end, which is returned. */
    public Instant complete() {
        Range r = requireOpen();
        open = null;
        completedOne = true;
        position = r.end();
        newest = null; // all of it is before the end now: the next window starts at end − overlap
        exhausted = isBackfill();
        return r.end();
    }

    /** The open window is given up before its last page; the next {@link #open} reads it again from {@link #rereadFrom()}. */
    public void abandon() {
        requireOpen();
        open = null;
    }

    /**
     * The earliest timestamp a later window can start at: {@code max(position, newest handed on) − overlap}, never
     * before a backfill's since (nor the epoch). The dedupe may forget what is older.
     */
    public Instant rereadFrom() {
        Instant after = newest != null && newest.isAfter(position) ? newest : position;
        Instant from = after.minus(overlap);
        Instant floor = isBackfill() ? since : Instant.EPOCH;
        return from.isBefore(floor) ? floor : from;
    }

    /**
     * Where the window after the open one will start (its end less the overlap): entries from here on are read
     * again, so the dedupe must keep them; older ones it need not remember.
     */
    public Instant keepFrom() {
        return requireOpen().end().minus(overlap);
    }

    /**
     * The position an entry of the open window is committed at: its timestamp, but never behind where the window
     * continued from (a late entry re-read in the overlap must not move the committed position back).
     */
    public Instant positionOf(Instant timestamp) {
        Instant from = requireOpen().continuesFrom();
        return timestamp.isBefore(from) ? from : timestamp;
    }

    /**
     * True for a new entry of the open window stamped before the position it continued from: ingested after an
     * earlier window had passed its timestamp, caught only because the overlap re-read it. Never in a backfill, nor
     * in the first window after start (it re-reads the overlap with nothing remembered, so nothing there is late).
     */
    public boolean isLate(Instant timestamp) {
        Range r = requireOpen();
        return !isBackfill() && completedOne && timestamp.isBefore(r.continuesFrom());
    }

    /** End of the last completed window, or where reading started; null before start. */
    public Instant position() {
        return position;
    }

    /** True once a backfill's window was completed: there is nothing more to read. */
    public boolean exhausted() {
        return exhausted;
    }

    public Duration overlap() {
        return overlap;
    }

    /** A backfill's end (excluded); null when following. */
    public Instant until() {
        return until;
    }

    private Range requireOpen() {
        if (open == null) {
            throw new IllegalStateException("no window is open");
        }
        return open;
    }

    private void requireFollowing() {
        if (isBackfill()) {
            throw new IllegalStateException("a backfill starts at its since");
        }
    }

    private static Duration nonNegative(Duration d, String name) {
        if (d == null || d.isNegative()) {
            throw new IllegalArgumentException(name + " must be >= 0: " + d);
        }
        return d;
    }
}
