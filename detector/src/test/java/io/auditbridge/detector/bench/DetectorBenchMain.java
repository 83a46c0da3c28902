package io.auditbridge.detector.bench;

import io.auditbridge.core.Event;
import io.auditbridge.detector.engine.Detector;

/**
 * A quick single-thread figure without JMH: {@code java -cp … DetectorBenchMain upstream|bundled [seconds]}.
 * Warms up for the same time it measures, then prints events per wall-clock second and per second of this
 * thread's CPU time (the fair figure on a shared, overloaded machine) and alerts/event.
 */
public final class DetectorBenchMain {
    public static void main(String[] args) throws Exception {
        DetectorBenchmark b = new DetectorBenchmark();
        b.rules = args.length > 0 ? args[0] : "upstream";
        long seconds = args.length > 1 ? Long.parseLong(args[1]) : 5;
        b.setup();
        Detector d = b.detector;
        run(d, b, seconds);
        long alerts = 0;
        for (Event e : b.events) {
            alerts += d.evaluate(e).size();
        }
        double[] rates = run(d, b, seconds);
        System.out.printf("rules=%s enabled=%d events/s(wall)=%.0f events/s(thread CPU)=%.0f alerts/event=%.2f%n", b.rules,
                d.rules().enabledRules().size(), rates[0], rates[1], alerts / (double) b.events.size());
    }

    private static double[] run(Detector d, DetectorBenchmark b, long seconds) {
        var threads = java.lang.management.ManagementFactory.getThreadMXBean();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        long n = 0;
        long start = System.nanoTime();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long sink = 0;
        while (System.nanoTime() < end) {
            for (Event e : b.events) {
                sink += d.evaluate(e).size();
            }
            n += b.events.size();
        }
        double s = (System.nanoTime() - start) / 1e9;
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        if (sink == 42) {
            System.out.print("");
        }
        return new double[] {n / s, n / cpu};
    }
}
