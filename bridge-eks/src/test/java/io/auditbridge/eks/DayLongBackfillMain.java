package io.auditbridge.eks;

import io.auditbridge.core.Source;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.poll.RequestRateLimiter;
import io.auditbridge.core.retry.Sleeper;
import io.auditbridge.core.testing.AckOnlySinkProvider;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code eks backfill} of one day, as {@link EksBackfillCommand} wires it (the real {@link CloudWatchAuditSource},
 * translator, pipeline and {@link BridgeRuntime}), with two stand-ins: CloudWatch is {@link GeneratedCloudWatchLogs}
 * ({@code --events} spread over 24 h) and the sink is {@code --sink ack}. Run in its own JVM by
 * {@link DayLongBackfillMemoryTest}; prints one {@code RESULT} line on stderr with what it measured about itself.
 */
@Command(name = "day-long-backfill")
public final class DayLongBackfillMain implements Callable<Integer> {
    static final String LOG_GROUP = "/aws/eks/prod-eks-01/cluster";
    static final String STREAM = "kube-apiserver-audit-e503271cd443efdbd2050ae8ca0794eb";
    static final long DAY = 86_400_000L;
    static final Instant SINCE = Instant.parse("2026-11-30T00:00:00Z");

    @Option(names = "--events", required = true)
    long events;

    @Option(names = "--overlap", defaultValue = "PT2M")
    Duration overlap;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipeline;

    @Mixin
    LogOptions log;

    public static void main(String[] args) {
        System.exit(BridgeCli.run(new DayLongBackfillMain(), args));
    }

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        HeapSampler heap = HeapSampler.start();
        GeneratedCloudWatchLogs cloudWatch = new GeneratedCloudWatchLogs(LOG_GROUP, STREAM, SINCE.toEpochMilli(), DAY, events);
        CloudWatchAuditSource.Settings settings = new CloudWatchAuditSource.Settings(LOG_GROUP, "kube-apiserver-audit",
                null, Duration.ZERO, overlap, Duration.ZERO, Duration.ZERO);
        BridgeRuntime<CloudWatchLogEvent> runtime = BridgeRuntime.builder(EksAuditTranslator.PROVIDER,
                new EksAuditTranslator("prod-eks-01", "kube-apiserver-audit")).sink(sink).pipeline(pipeline).build();
        Clock clock = Clock.systemUTC();
        // The fake is not throttled: 1,000 requests/s keeps the limiter in the path without waiting on it.
        CloudWatchAuditSource source = CloudWatchAuditSource.backfill(cloudWatch, settings, clock,
                RequestRateLimiter.perSecond(1000, clock, Sleeper.SYSTEM), runtime.metrics(), SINCE, SINCE.plusMillis(DAY));
        MaxDedupe measured = new MaxDedupe(source);
        int code = runtime.runPolling(measured, Duration.ofMillis(100), Duration.ofMinutes(5));
        heap.stop();
        System.err.printf("RESULT events=%d acknowledged=%d requests=%d maxDedupe=%d liveHeapMaxMiB=%d heapUsedMaxMiB=%d"
                        + " peakRssMiB=%d xmxMiB=%d seconds=%.1f exit=%d%n", events, AckOnlySinkProvider.ACKNOWLEDGED.get(),
                cloudWatch.requests.get(), measured.max, heap.liveMax.get() >> 20, heap.usedMax.get() >> 20, peakRss() >> 20,
                Runtime.getRuntime().maxMemory() >> 20, (System.nanoTime() - t0) / 1e9, code);
        return code;
    }

    /** The source, noting the size of its eventId dedupe after every poll. */
    static final class MaxDedupe implements Source<CloudWatchLogEvent> {
        final CloudWatchAuditSource source;
        int max;

        MaxDedupe(CloudWatchAuditSource source) {
            this.source = source;
        }

        @Override
        public void start(Map<String, String> committed) throws Exception {
            source.start(committed);
        }

        @Override
        public List<SourceRecord<CloudWatchLogEvent>> poll() throws Exception {
            List<SourceRecord<CloudWatchLogEvent>> records = source.poll();
            max = Math.max(max, source.dedupeSize());
            return records;
        }

        @Override
        public boolean isReady() {
            return source.isReady();
        }

        @Override
        public void close() {
            try {
                source.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    /**
     * Samples the heap: the largest heap in use after a collection (the live set plus what the last collection
     * left, summed over the heap pools) and the largest heap in use at all (garbage included).
     */
    static final class HeapSampler {
        final AtomicLong liveMax = new AtomicLong();
        final AtomicLong usedMax = new AtomicLong();
        private volatile boolean running = true;
        private Thread thread;

        static HeapSampler start() {
            HeapSampler s = new HeapSampler();
            s.thread = Thread.ofPlatform().daemon().name("heap-sampler").start(s::run);
            return s;
        }

        private void run() {
            List<MemoryPoolMXBean> pools = ManagementFactory.getMemoryPoolMXBeans().stream()
                    .filter(p -> p.getType() == MemoryType.HEAP).toList();
            while (running) {
                sample(pools);
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        private void sample(List<MemoryPoolMXBean> pools) {
            long live = 0;
            for (MemoryPoolMXBean p : pools) {
                MemoryUsage after = p.getCollectionUsage();
                if (after != null) {
                    live += after.getUsed();
                }
            }
            liveMax.accumulateAndGet(live, Math::max);
            usedMax.accumulateAndGet(ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed(), Math::max);
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }
    }

    /** VmHWM of this process, in bytes (-1 without /proc). */
    static long peakRss() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
