package io.auditbridge.eks.bench;

import io.auditbridge.core.Event;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.eks.CloudWatchLogEvent;
import io.auditbridge.eks.EksAuditTranslator;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The same work as {@link TranslateBench#translateAndSerialize}, reported per CPU-second of the benchmark thread
 * as well as per wall-clock second. On a VM shared with other builds, wall-clock throughput measures the
 * neighbours; thread CPU time measures what one core does with this code. Run:
 * {@code java -cp <test classpath> io.auditbridge.eks.bench.TranslateCpuBench [rounds]}.
 */
public final class TranslateCpuBench {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        EksAuditTranslator translator = new EksAuditTranslator("prod-eks-01");
        List<SourceRecord<CloudWatchLogEvent>> records = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            String id = Integer.toString(i);
            records.add(new SourceRecord<>("g", id, id, CloudWatchLogEvent.logEvent(
                    "kube-apiserver-audit-e503271cd443efdbd2050ae8ca0794eb", id, 1796000400000L + i, 1796000403000L + i,
                    TranslateBench.eventLine(i))));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] perCpuSecond = new double[rounds];
        double[] perWallSecond = new double[rounds];
        long bytes = 0;
        for (int r = -5; r < rounds; r++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long wall0 = System.nanoTime();
            for (SourceRecord<CloudWatchLogEvent> record : records) {
                for (Event e : translator.translate(record).events()) {
                    bytes += e.toJsonBytes().length;
                }
            }
            if (r >= 0) {
                perCpuSecond[r] = records.size() / ((threads.getCurrentThreadCpuTime() - cpu0) / 1e9);
                perWallSecond[r] = records.size() / ((System.nanoTime() - wall0) / 1e9);
            }
        }
        Arrays.sort(perCpuSecond);
        Arrays.sort(perWallSecond);
        System.out.printf("translate+serialize, %d rounds of %d events (%d bytes out): median %.0f events per CPU-second "
                        + "(min %.0f, max %.0f); median %.0f events per wall-second%n", rounds, records.size(), bytes,
                perCpuSecond[rounds / 2], perCpuSecond[0], perCpuSecond[rounds - 1], perWallSecond[rounds / 2]);
    }
}
