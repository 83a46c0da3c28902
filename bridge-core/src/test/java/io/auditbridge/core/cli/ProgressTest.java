package io.auditbridge.core.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.ManualClock;
import io.auditbridge.core.testing.PassThroughTranslateCommand;
import io.auditbridge.core.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ProgressTest {
    private static final Pattern LINE = Pattern.compile("test translate: (\\d+) events, (\\d+)/s(?:, at (.+) \\(input 1/1\\))?");

    @TempDir
    Path dir;

    @Test
    void aLineSaysEventsRateSinceTheLastLineAndPosition() {
        ManualClock clock = new ManualClock(java.time.Instant.parse("2026-12-01T00:00:00Z"));
        AtomicLong events = new AtomicLong();
        Progress p = new Progress(new PrintWriter(new StringWriter()), "eks backfill", events::get,
                () -> "2026-11-30T02:10:00Z (event time)", clock, null);
        events.set(30_000);
        clock.advance(Duration.ofSeconds(2));
        Map<String, Object> fields = new LinkedHashMap<>();
        assertThat(p.line(fields)).isEqualTo("eks backfill: 30000 events, 15000/s, at 2026-11-30T02:10:00Z (event time)");
        assertThat(fields).containsEntry("events", 30_000L).containsEntry("eventsPerSecond", 15_000L);
        events.set(40_000);
        clock.advance(Duration.ofSeconds(4));
        assertThat(p.line(new LinkedHashMap<>())).startsWith("eks backfill: 40000 events, 2500/s");
    }

    @Test
    void aLargeTranslateReportsProgressOnStderrWhenForcedOn() throws Exception {
        // The input is stdin, held open until a progress line has named it: the translate is still running when the
        // line is printed however fast or loaded the machine is (a file could be read before the first tick).
        byte[] events = SampleEvents.ndjson(1, 20_000).getBytes(StandardCharsets.UTF_8); // ≈ 28 MB of audit Events
        StringWriter err = new StringWriter();
        PipedOutputStream feed = new PipedOutputStream();
        PipedInputStream stdin = new PipedInputStream(feed, 1 << 20);
        CompletableFuture<Void> feeder = CompletableFuture.runAsync(() -> {
            try (feed) {
                feed.write(events);
                long giveUpAt = System.nanoTime() + Duration.ofMinutes(5).toNanos(); // bounds a hang, not a speed
                while (err.toString().lines().noneMatch(l -> l.startsWith("test translate:") && l.endsWith(" at stdin (input 1/1)"))) {
                    if (System.nanoTime() > giveUpAt) {
                        throw new AssertionError("no progress line while stdin was open:\n" + err);
                    }
                    Thread.sleep(5);
                }
            } catch (IOException | InterruptedException e) {
                throw new RuntimeException(e);
            }
        });
        translate(err, stdin, "--progress", "always", "--progress-interval", "20ms", "-");
        feeder.get();

        List<String> progress = err.toString().lines().filter(l -> l.startsWith("test translate:")).toList();
        assertThat(progress).as(err.toString()).isNotEmpty();
        long previous = -1;
        for (String line : progress) {
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as(line).isTrue();
            if (m.group(3) != null) { // a tick before the first input is opened has no position yet
                assertThat(m.group(3)).isEqualTo("stdin");
            }
            long n = Long.parseLong(m.group(1));
            assertThat(n).isBetween(Math.max(0, previous), 20_000L);
            previous = n;
        }
        assertThat(err.toString().lines().toList().getLast()).startsWith("test: 20000 events, 0 record errors");
    }

    @Test
    void progressIsOffWhenStderrIsNotATerminalOrWhenForcedOff() throws Exception {
        Path small = dir.resolve("small.ndjson");
        Files.writeString(small, SampleEvents.ndjson(1, 2_000));
        assertThat(translate("--progress", "never", "--progress-interval", "1ms", small.toString())).doesNotContain("test translate:");
        assertThat(translate("--progress-interval", "1ms", small.toString())).doesNotContain("test translate:"); // auto, piped
    }

    private String translate(String... args) {
        StringWriter err = new StringWriter();
        translate(err, System.in, args);
        return err.toString();
    }

    private void translate(StringWriter err, InputStream stdin, String... args) {
        CommandLine cl = BridgeCli.commandLine(new PassThroughTranslateCommand());
        cl.setErr(new PrintWriter(err, true));
        PrintStream realOut = System.out;
        InputStream realIn = System.in;
        System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)); // the Events
        System.setIn(stdin);
        try {
            String[] all = new String[args.length + 2];
            all[0] = "--dead-letter-file";
            all[1] = dir.resolve("dl.ndjson").toString();
            System.arraycopy(args, 0, all, 2, args.length);
            assertThat(cl.execute(all)).as(err.toString()).isZero();
        } finally {
            System.setOut(realOut);
            System.setIn(realIn);
        }
    }
}
