package io.auditbridge.gke.pubsub;

import java.nio.file.Path;

/**
 * {@code bridge-gke run} in a subprocess, with an {@link AckObserver} on the subscriber's channel that appends
 * every ack Pub/Sub confirmed to the file named by {@code -Dackfile=}. Tests kill this process (SIGKILL) and run
 * several of it on one subscription.
 */
public final class SubscriberMain {
    private SubscriberMain() {}

    public static void main(String[] args) {
        String ackFile = System.getProperty("ackfile");
        System.exit(io.auditbridge.gke.PubsubTestAccess.run(args, new AckObserver(ackFile == null ? null : Path.of(ackFile))));
    }
}
