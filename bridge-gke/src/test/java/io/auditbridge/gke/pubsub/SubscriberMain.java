package io.auditbridge.gke.pubsub;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code bridge-gke run} in a subprocess, with an {@link AckObserver} on the subscriber's channel that appends
 * every ack Pub/Sub confirmed to the file named by {@code -Dackfile=}. Tests kill this process (SIGKILL) and run
 * several of it on one subscription. With {@code -Dheapfile=} it also keeps there the largest heap found live
 * after a collection (summed over the heap pools' collection usage), in bytes.
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
        long max = 0;
        while (true) {
            long live = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
                    live += pool.getCollectionUsage().getUsed();
                }
            }
            if (live > max) {
                max = live;
                try {
                    Files.writeString(file, Long.toString(max));
                } catch (IOException e) {
                    return;
                }
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
        }
    }
}
