package io.auditbridge.gke.pubsub;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bridge-gke run} in a subprocess, with an {@link AckObserver} on the subscriber's channel that appends
 * every ack Pub/Sub confirmed to the file named by {@code -Dackfile=}. Tests kill this process (SIGKILL) and run
 * several of it on one subscription. With {@code -Dheapfile=} it also keeps there the largest heap found live
 * after a full collection (System.gc() every 250 ms), in bytes.
 */
public final class SubscriberMain {
    private SubscriberMain() {}

    public static void main(String[] args) {
        String ackFile = System.getProperty("ackfile");
        String heapFile = System.getProperty("heapfile");
        if (heapFile != null) {
            Thread.ofPlatform().daemon().name("heap-sampler").start(() -> sampleHeap(Path.of(heapFile)));
        }
        System.exit(io.auditbridge.gke.PubsubTestAccess.run(args, new AckObserver(ackFile == null ? null : Path.of(ackFile))));
    }

    private static void sampleHeap(Path file) {
        // What a full collection leaves is the live heap. Summing the pools' usage after whatever collection ran last
        // counted the old generation's garbage too, whose amount depends on when G1 happened to start marking (load).
        long max = 0;
        while (true) {
            System.gc();
            long live = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            if (live > max) {
                max = live;
                try {
                    Files.writeString(file, Long.toString(max));
                } catch (IOException e) {
                    return;
                }
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
