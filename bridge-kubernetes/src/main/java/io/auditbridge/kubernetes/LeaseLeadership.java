package io.auditbridge.kubernetes;

import io.auditbridge.core.Leadership;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on a {@code coordination.k8s.io/v1} Lease (fabric8's LeaderElector), so that of several
 * replicas exactly one polls. The holder renews every {@code retryPeriod}; if it cannot renew within
 * {@code renewDeadline} it stops leading, and a standby acquires the lease once {@code leaseDuration} has
 * passed since the last renewal. Keep {@code renewDeadline < leaseDuration}: the gap between them is when
 * the old leader has already stopped and no one else has started.
 */
public final class LeaseLeadership implements Leadership, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(LeaseLeadership.class);

    /** Lease timings; the defaults are Kubernetes controllers' (15s / 10s / 2s). */
    public record Timings(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public static final Timings DEFAULTS = new Timings(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));

        public Timings {
            if (!(renewDeadline.compareTo(leaseDuration) < 0)) {
                throw new IllegalArgumentException("lease renew deadline (" + renewDeadline + ") must be shorter than the lease duration (" + leaseDuration + ")");
            }
            if (!(retryPeriod.compareTo(renewDeadline) < 0)) {
                throw new IllegalArgumentException("lease retry period (" + retryPeriod + ") must be shorter than the renew deadline (" + renewDeadline + ")");
            }
        }
    }

    private final KubernetesClient client;
    private final String namespace;
    private final String leaseName;
    private final String identity;
    private final Timings timings;
    private final ExecutorService executor;
    private final CompletableFuture<Boolean> acquired = new CompletableFuture<>();
    private final AtomicReference<Runnable> onLost = new AtomicReference<>();
    private volatile boolean leading;
    private volatile boolean resigned;
    private CompletableFuture<?> campaign;

    public LeaseLeadership(KubernetesClient client, String namespace, String leaseName, String identity, Timings timings) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.leaseName = Objects.requireNonNull(leaseName, "leaseName");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.timings = Objects.requireNonNull(timings, "timings");
        this.executor = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("auditbridge-lease-" + leaseName).daemon(true).factory());
    }

    /**
     * Campaigns for the lease and blocks until this replica holds it (true) or {@link #resign} was called
     * first (false). {@code onLost} runs once, on the elector's thread, if the lease is lost afterwards.
     */
    @Override
    public boolean awaitLeadership(Runnable onLost) throws InterruptedException {
        this.onLost.set(Objects.requireNonNull(onLost, "onLost"));
        synchronized (this) {
            if (campaign == null && !resigned) {
                log.info("standing by for lease {}/{} as {}", namespace, leaseName, identity);
                LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                        .withName(leaseName)
                        .withLock(new LeaseLock(namespace, leaseName, identity))
                        .withLeaseDuration(timings.leaseDuration())
                        .withRenewDeadline(timings.renewDeadline())
                        .withRetryPeriod(timings.retryPeriod())
                        .withReleaseOnCancel(true)
                        .withLeaderCallbacks(new LeaderCallbacks(this::startedLeading, this::stoppedLeading,
                                this::newLeader))
                        .build(), executor);
                campaign = elector.start();
                campaign.whenComplete((ok, error) -> acquired.complete(false));
            }
        }
        try {
            return acquired.get();
        } catch (ExecutionException e) {
            return false;
        }
    }

    /** Whether this replica holds the lease now. */
    public boolean isLeader() {
        return leading;
    }

    public String identity() {
        return identity;
    }

    /**
     * Stops campaigning if this replica is standing by; a leader keeps the lease until {@link #close}, which
     * comes after its last checkpoint commit, so the successor starts exactly where it stopped.
     */
    @Override
    public void stopStandingBy() {
        // Racing an acquisition is harmless: the caller has already stopped its runner, so a lease won now is
        // released by close() without a poll.
        if (!leading) {
            resign();
        }
    }

    /** Stops campaigning; a held lease is released so a standby takes over without waiting for expiry. */
    public void resign() {
        CompletableFuture<?> c;
        synchronized (this) {
            resigned = true;
            c = campaign;
        }
        acquired.complete(false);
        if (c != null) {
            c.cancel(true);
        }
    }

    private void newLeader(String holder) {
        if (holder != null) {
            log.info("lease {}/{} held by {}", namespace, leaseName, holder);
        }
    }

    private void startedLeading() {
        leading = true;
        log.info("acquired lease {}/{} as {}", namespace, leaseName, identity);
        acquired.complete(true);
    }

    private void stoppedLeading() {
        boolean was = leading;
        leading = false;
        if (was && !resigned) {
            log.warn("lost lease {}/{} as {}", namespace, leaseName, identity);
            Runnable r = onLost.getAndSet(null);
            if (r != null) {
                r.run();
            }
        }
    }

    @Override
    public void close() {
        resign();
        executor.shutdown();
    }
}
