package io.auditbridge.gke;

import com.google.api.core.ApiService;
import com.google.api.gax.batching.FlowControlSettings;
import com.google.api.gax.batching.FlowController.LimitExceededBehavior;
import com.google.api.gax.core.CredentialsProvider;
import com.google.api.gax.rpc.ApiException;
import com.google.api.gax.rpc.StatusCode;
import com.google.api.gax.rpc.TransportChannelProvider;
import com.google.cloud.pubsub.v1.Subscriber;
import com.google.cloud.pubsub.v1.SubscriberShutdownSettings;
import com.google.cloud.pubsub.v1.SubscriptionAdminClient;
import com.google.cloud.pubsub.v1.SubscriptionAdminSettings;
import com.google.common.util.concurrent.MoreExecutors;
import com.google.pubsub.v1.ProjectSubscriptionName;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.ops.PipelineMetrics;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streaming pull from one subscription into a {@link PubsubDelivery}, kept running: the library reconnects on
 * transient errors itself; when its Subscriber fails for good (subscription deleted, permission revoked) a new
 * one is started after a back-off. {@link #isReady()} is false while the Subscriber is not running or the
 * subscription cannot be reached (probed with {@code GetSubscription} every few seconds, because a streaming
 * pull that keeps reconnecting never reports the outage).
 *
 * <p>Flow control holds at most the pipeline's in-flight bounds of messages and bytes; the library blocks the
 * pull beyond them, so a slow sink slows the pull and memory stays bounded.
 */
final class PubsubSubscriber implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(PubsubSubscriber.class);
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration MAX_RESTART_DELAY = Duration.ofMinutes(1);

    private final ProjectSubscriptionName name;
    private final PubsubOptions options;
    private final CredentialsProvider credentials;
    private final TransportChannelProvider channel;
    private final PubsubDelivery delivery;
    private final FlowControlSettings flow;
    private final Duration drainTimeout;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("auditbridge-pubsub-supervisor").daemon(true).factory());
    private final SubscriptionAdminClient admin;
    private volatile Subscriber subscriber;
    private volatile boolean reachable;
    private volatile boolean closing;
    private volatile boolean warnedNoViewer;
    private Duration restartDelay = Duration.ofSeconds(1);

    PubsubSubscriber(ProjectSubscriptionName name, PubsubOptions options, CredentialsProvider credentials,
                     PubsubDelivery delivery, long maxMessages, long maxBytes, Duration drainTimeout,
                     PipelineMetrics metrics) throws IOException {
        this.name = name;
        this.options = options;
        this.credentials = credentials;
        this.channel = options.channel();
        this.delivery = delivery;
        this.flow = FlowControlSettings.newBuilder()
                .setMaxOutstandingElementCount(maxMessages)
                .setMaxOutstandingRequestBytes(maxBytes)
                .setLimitExceededBehavior(LimitExceededBehavior.Block)
                .build();
        this.drainTimeout = drainTimeout;
        SubscriptionAdminSettings.Builder a = SubscriptionAdminSettings.newBuilder()
                .setTransportChannelProvider(channel)
                .setCredentialsProvider(credentials);
        a.getSubscriptionSettings().setRetryableCodes().setRetrySettings(a.getSubscriptionSettings().getRetrySettings().toBuilder()
                .setMaxAttempts(1)
                .setInitialRpcTimeoutDuration(PROBE_TIMEOUT)
                .setMaxRpcTimeoutDuration(PROBE_TIMEOUT)
                .setTotalTimeoutDuration(PROBE_TIMEOUT)
                .build());
        this.admin = SubscriptionAdminClient.create(a.build());
        metrics.gauge("auditbridge.pubsub.subscription.reachable", "1 while the subscription answers, else 0", () -> reachable ? 1 : 0);
    }

    /**
     * Starts pulling. A subscription that does not exist is a configuration error; one that cannot be reached yet
     * is only not ready (the pull keeps trying).
     */
    void start() {
        String problem = probe();
        if (problem != null && problem.startsWith("NOT_FOUND")) {
            close();
            throw new ConfigException("--subscription", "not found: " + name);
        }
        startSubscriber();
        long every = options.probeInterval.toMillis();
        scheduler.scheduleWithFixedDelay(this::probe, every, every, TimeUnit.MILLISECONDS);
        log.info("pulling from {} (flow control: {} messages, {} bytes; lease extended {} at a time, at most {})",
                name, flow.getMaxOutstandingElementCount(), flow.getMaxOutstandingRequestBytes(),
                options.ackExtensionStep, options.maxAckExtension);
    }

    private synchronized void startSubscriber() {
        if (closing) {
            return;
        }
        Subscriber s = Subscriber.newBuilder(name, delivery)
                .setChannelProvider(channel)
                .setCredentialsProvider(credentials)
                .setFlowControlSettings(flow)
                .setParallelPullCount(options.pullStreams)
                .setMaxDurationPerAckExtensionDuration(options.ackExtensionStep)
                .setMaxAckExtensionPeriodDuration(options.maxAckExtension)
                .setSubscriberShutdownSettings(SubscriberShutdownSettings.newBuilder()
                        .setMode(SubscriberShutdownSettings.ShutdownMode.WAIT_FOR_PROCESSING)
                        .setTimeout(drainTimeout)
                        .build())
                .build();
        s.addListener(new ApiService.Listener() {
            @Override
            public void failed(ApiService.State from, Throwable failure) {
                onFailed(failure);
            }
        }, MoreExecutors.directExecutor());
        subscriber = s;
        s.startAsync();
    }

    private synchronized void onFailed(Throwable failure) {
        if (closing) {
            return;
        }
        Duration wait = restartDelay;
        restartDelay = restartDelay.multipliedBy(2).compareTo(MAX_RESTART_DELAY) > 0 ? MAX_RESTART_DELAY : restartDelay.multipliedBy(2);
        log.error("streaming pull from {} failed ({}); starting again in {} s; unacked messages are redelivered",
                name, describe(failure), wait.toSeconds());
        scheduler.schedule(this::startSubscriber, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Asks Pub/Sub for the subscription; returns null when it answered, else why not. */
    private String probe() {
        String problem;
        try {
            admin.getSubscription(name);
            problem = null;
        } catch (ApiException e) {
            if (e.getStatusCode().getCode() == StatusCode.Code.PERMISSION_DENIED) {
                // Reached, but without pubsub.subscriptions.get (roles/pubsub.viewer): we cannot tell more.
                if (!warnedNoViewer) {
                    warnedNoViewer = true;
                    log.warn("cannot read subscription {} (grant roles/pubsub.viewer on it): readiness only sees the pull", name);
                }
                problem = null;
            } else {
                problem = e.getStatusCode().getCode() + ": " + describe(e);
            }
        } catch (RuntimeException e) {
            problem = e.getClass().getSimpleName();
        }
        boolean was = reachable;
        reachable = problem == null;
        if (was && problem != null) {
            log.warn("subscription {} not reachable: {}", name, problem);
        } else if (!was && problem == null) {
            log.info("subscription {} reachable", name);
            synchronized (this) {
                restartDelay = Duration.ofSeconds(1);
            }
        }
        return problem;
    }

    boolean isReady() {
        Subscriber s = subscriber;
        return reachable && s != null && s.state() == ApiService.State.RUNNING;
    }

    private static String describe(Throwable t) {
        // gRPC status descriptions name the subscription, never a credential.
        return t instanceof ApiException a ? a.getStatusCode().getCode() + " " + a.getMessage() : t.getClass().getSimpleName();
    }

    /**
     * Stops pulling and waits up to the drain timeout for the messages in flight to be acked; what is left is
     * not acked and comes back (to another replica) when its lease runs out.
     */
    @Override
    public void close() {
        synchronized (this) {
            closing = true;
        }
        scheduler.shutdownNow();
        Subscriber s = subscriber;
        if (s != null) {
            try {
                s.stopAsync().awaitTerminated(drainTimeout.plusSeconds(5).toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | IllegalStateException e) {
                log.warn("subscriber did not stop within {}: {} messages left unacked (Pub/Sub redelivers them)",
                        drainTimeout, delivery.outstanding());
            }
        }
        admin.close();
    }
}
