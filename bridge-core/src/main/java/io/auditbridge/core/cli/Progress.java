package io.auditbridge.core.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Progress of a long one-shot command on stderr at a steady rate: events so far, the rate since the last line and
 * where the work has got to (an input file, the event time reached). {@link #line} builds one line from the
 * counters; {@link #start} prints one every interval on a daemon thread until closed.
 */
public final class Progress implements AutoCloseable {
    private final PrintWriter err;
    private final String label;
    private final LongSupplier events;
    private final Supplier<String> position;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private long lastEvents;
    private Instant lastAt;

    Progress(PrintWriter err, String label, LongSupplier events, Supplier<String> position, Clock clock,
            ScheduledExecutorService timer) {
        this.err = err;
        this.label = label;
        this.events = events;
        this.position = position;
        this.clock = clock;
        this.timer = timer;
        this.lastAt = clock.instant();
    }

    /**
     * Starts printing when {@code options} enable it; otherwise returns a Progress that prints nothing.
     * {@code position} may return null when there is nothing to say yet.
     */
    public static Progress start(ProgressOptions options, PrintWriter err, String label, LongSupplier events,
            Supplier<String> position) {
        if (options == null || !options.enabled()) {
            return new Progress(err, label, events, position, Clock.systemUTC(), null);
        }
        Duration every = options.interval();
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        Progress p = new Progress(err, label, events, position, Clock.systemUTC(), timer);
        timer.scheduleAtFixedRate(p::print, every.toMillis(), every.toMillis(), TimeUnit.MILLISECONDS);
        return p;
    }

    /** Prints the current line (as text, or JSON when logs are JSON). */
    synchronized void print() {
        Map<String, Object> fields = new LinkedHashMap<>();
        String text = line(fields);
        CliOutput.progress(err, text, fields);
    }

    /** {@code "translate: 120000 events, 45000/s, at big.json (2/3)"}; {@code fields} gets the same as keys. */
    synchronized String line(Map<String, Object> fields) {
        Instant now = clock.instant();
        long n = events.getAsLong();
        double seconds = Math.max(0.001, Duration.between(lastAt, now).toMillis() / 1000.0);
        long rate = Math.round((n - lastEvents) / seconds);
        lastEvents = n;
        lastAt = now;
        String where = position == null ? null : position.get();
        fields.put("events", n);
        fields.put("eventsPerSecond", rate);
        if (where != null) {
            fields.put("position", where);
        }
        return label + ": " + n + " events, " + rate + "/s" + (where == null ? "" : ", at " + where);
    }

    /** The event time {@code lagSeconds} before now, for "reached" positions; null when unknown. */
    public static String timeReached(double lagSeconds, Clock clock) {
        if (Double.isNaN(lagSeconds) || lagSeconds < 0) {
            return null;
        }
        return clock.instant().minusMillis(Math.round(lagSeconds * 1000)).truncatedTo(ChronoUnit.SECONDS) + " (event time)";
    }

    @Override
    public void close() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                timer.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
