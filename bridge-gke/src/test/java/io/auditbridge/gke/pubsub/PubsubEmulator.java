package io.auditbridge.gke.pubsub;

import com.google.api.core.ApiFuture;
import com.google.api.core.ApiFutures;
import com.google.api.gax.batching.BatchingSettings;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.GrpcTransportChannel;
import com.google.api.gax.rpc.FixedTransportChannelProvider;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Publisher;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.cloud.pubsub.v1.TopicAdminClient;
import com.google.cloud.pubsub.v1.TopicAdminSettings;
import com.google.protobuf.ByteString;
import com.google.pubsub.v1.ProjectSubscriptionName;
import com.google.pubsub.v1.PubsubMessage;
import com.google.pubsub.v1.PullRequest;
import com.google.pubsub.v1.PullResponse;
import com.google.api.gax.grpc.GrpcCallContext;
import com.google.pubsub.v1.Subscription;
import com.google.pubsub.v1.TopicName;
import io.auditbridge.core.testing.ServiceProcess;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** One running Pub/Sub emulator process, and the client-library calls the tests make against it. */
public final class PubsubEmulator implements AutoCloseable {
    public static final String PROJECT = "auditbridge-test";
    private static final String READY_LINE = "Server started, listening on";
    private static final AtomicInteger NAMES = new AtomicInteger();

    private final ServiceProcess process;
    private final int port;
    private final ManagedChannel channel;
    private final TransportChannelProvider channels;
    private final TopicAdminClient topics;
    private final SubscriptionAdminClient subscriptions;

    private PubsubEmulator(ServiceProcess process, int port) throws IOException {
        this.process = process;
        this.port = port;
        this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
                .maxInboundMessageSize(20 * 1024 * 1024).build();
        this.channels = FixedTransportChannelProvider.create(GrpcTransportChannel.create(channel));
        this.topics = TopicAdminClient.create(TopicAdminSettings.newBuilder()
                .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build());
        this.subscriptions = SubscriptionAdminClient.create(SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channels).setCredentialsProvider(NoCredentialsProvider.create()).build());
    }

    public static PubsubEmulator start(Path bin) throws IOException, InterruptedException {
        int port = ServiceProcess.freeLoopbackPort();
        // The emulator is a JVM too; keep it small on the shared CI machine.
        ServiceProcess p = ServiceProcess.start("pubsub-emulator",
                List.of(bin.toString(), "--host=127.0.0.1", "--port=" + port),
                Map.of("CLOUD_PUBSUB_EMULATOR_OPTS", "-Xmx512m -XX:+UseSerialGC"), READY_LINE, Duration.ofSeconds(90));
        return new PubsubEmulator(p, port);
    }

    /** host:port, as PUBSUB_EMULATOR_HOST or --pubsub-endpoint take it. */
    public String endpoint() {
        return "127.0.0.1:" + port;
    }

    /** A new topic with one subscription (ack deadline in seconds), both uniquely named. */
    public ProjectSubscriptionName createSubscription(int ackDeadlineSeconds) {
        String base = "audit-" + NAMES.incrementAndGet();
        TopicName topic = TopicName.of(PROJECT, base);
        topics.createTopic(topic);
        ProjectSubscriptionName sub = ProjectSubscriptionName.of(PROJECT, base + "-bridge");
        subscriptions.createSubscription(Subscription.newBuilder().setName(sub.toString()).setTopic(topic.toString())
                .setAckDeadlineSeconds(ackDeadlineSeconds).build());
        return sub;
    }

    public void deleteSubscription(ProjectSubscriptionName sub) {
        subscriptions.deleteSubscription(sub);
    }

    public void recreateSubscription(ProjectSubscriptionName sub, int ackDeadlineSeconds) {
        subscriptions.createSubscription(Subscription.newBuilder().setName(sub.toString())
                .setTopic(TopicName.of(PROJECT, sub.getSubscription().replaceFirst("-bridge$", "")).toString())
                .setAckDeadlineSeconds(ackDeadlineSeconds).build());
    }

    /** Publishes each payload as one message, like a Log Router sink; returns the message ids in order. */
    public List<String> publish(ProjectSubscriptionName sub, List<byte[]> payloads) throws Exception {
        return publish(sub, payloads, payloads.size(), Duration.ZERO);
    }

    /**
     * Publishes in waves of {@code wave} messages with {@code pause} between them, like a sink's steady stream.
     * (The emulator hands each streaming pull up to 1,000 waiting messages every 50 ms, whatever the client's flow
     * control says; a burst would all go to whichever stream asked first.)
     */
    public List<String> publish(ProjectSubscriptionName sub, List<byte[]> payloads, int wave, Duration pause) throws Exception {
        TopicName topic = TopicName.of(PROJECT, sub.getSubscription().replaceFirst("-bridge$", ""));
        Publisher publisher = Publisher.newBuilder(topic)
                .setChannelProvider(channels)
                .setCredentialsProvider(NoCredentialsProvider.create())
                .setBatchingSettings(BatchingSettings.newBuilder().setElementCountThreshold(500L)
                        .setRequestByteThreshold(5_000_000L).setDelayThresholdDuration(Duration.ofMillis(20)).build())
                .build();
        try {
            List<String> out = new ArrayList<>(payloads.size());
            for (int from = 0; from < payloads.size(); from += wave) {
                List<ApiFuture<String>> ids = new ArrayList<>(wave);
                for (byte[] p : payloads.subList(from, Math.min(payloads.size(), from + wave))) {
                    ids.add(publisher.publish(PubsubMessage.newBuilder().setData(ByteString.copyFrom(p)).build()));
                }
                out.addAll(ApiFutures.allAsList(ids).get(120, TimeUnit.SECONDS));
                if (!pause.isZero()) {
                    Thread.sleep(pause);
                }
            }
            return out;
        } finally {
            publisher.shutdown();
            publisher.awaitTermination(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Waits up to {@code wait} for messages with a plain pull (the emulator never hands out messages whose
     * streaming lease lapsed to a pull that returns immediately), and leaves them unacked.
     */
    public int pullWaiting(ProjectSubscriptionName sub, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        while (System.nanoTime() < until) {
            long left = Math.max(200, Math.min(2000, (until - System.nanoTime()) / 1_000_000));
            try {
                PullResponse r = subscriptions.pullCallable().call(
                        PullRequest.newBuilder().setSubscription(sub.toString()).setMaxMessages(100).build(),
                        GrpcCallContext.createDefault().withTimeoutDuration(Duration.ofMillis(left)));
                if (r.getReceivedMessagesCount() > 0) {
                    return r.getReceivedMessagesCount();
                }
            } catch (com.google.api.gax.rpc.DeadlineExceededException timedOutEmpty) {
                // no message within the RPC's deadline: ask again until `wait` is over
            }
        }
        return 0;
    }

    public long pid() {
        return process.pid();
    }

    @Override
    public void close() throws Exception {
        subscriptions.close();
        topics.close();
        channel.shutdownNow();
        process.close();
    }
}
