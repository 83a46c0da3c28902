package io.auditbridge.openshift;

import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.http.ResponseObserver;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.pipeline.Pipeline;
import io.auditbridge.core.push.PushDelivery;
import java.io.IOException;
import java.time.Duration;

/** The running receiver: the HTTP(S) endpoint in front of a started pipeline. */
public final class OpenShiftReceiver implements AutoCloseable {
    /** The path served when none is configured. */
    public static final String DEFAULT_PATH = "/openshift/audit";
    /** The header a ClusterLogForwarder output can set ({@code http.headers}) to name its cluster. */
    public static final String DEFAULT_CLUSTER_NAME_HEADER = "X-Cluster-Name";
    /** Counter of answers, tagged {@code status}: 401s show a wrong token, 503s a sink outage, 413s a too-small limit. */
    public static final String REQUESTS_METRIC = "auditbridge.receiver.requests";

    private final HttpReceiver http;

    private OpenShiftReceiver(HttpReceiver http) {
        this.http = http;
    }

    /**
     * Starts serving. The pipeline behind {@code delivery} must be started and should hand failures back
     * ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}) within the delivery's budget, so a sink outage turns into a
     * 503 the collector retries rather than a timeout.
     */
    public static OpenShiftReceiver start(HttpReceiverConfig config, PushDelivery<ForwardedRecord> delivery,
                                          String clusterName, String clusterNameHeader) throws IOException {
        return new OpenShiftReceiver(HttpReceiver.start(limited(config), handler(delivery, clusterName, clusterNameHeader),
                observer(delivery.pipeline().metrics())));
    }

    static ForwarderHandler handler(PushDelivery<ForwardedRecord> delivery, String clusterName, String clusterNameHeader) {
        return new ForwarderHandler(delivery, clusterName, clusterNameHeader);
    }

    /** Only the media types a ClusterLogForwarder sends, unless the config already names some. */
    static HttpReceiverConfig limited(HttpReceiverConfig config) {
        return config.mediaTypes().isEmpty() ? config.withMediaTypes(MEDIA_TYPES) : config;
    }

    /** Counts answers by status and refusals by reason. */
    static ResponseObserver observer(PipelineMetrics metrics) {
        return new ResponseObserver() {
            @Override
            public void responded(String path, int status, Duration elapsed) {
                metrics.counter(REQUESTS_METRIC, "Requests answered by the receiver, by HTTP status",
                        "status", Integer.toString(status)).increment();
            }

            @Override
            public void rejected(String path, String reason) {
                metrics.counter(ResponseObserver.REJECTED_METRIC, "Requests the receiver refused, by reason", "reason", reason)
                        .increment();
            }
        };
    }

    /** What a ClusterLogForwarder http output sends: {@code format: json} or {@code ndjson} (CLO allows only these). */
    static final java.util.List<String> MEDIA_TYPES = java.util.List.of("application/json", "application/x-ndjson");

    /** For {@code /healthz}: the HTTP server is serving. */
    public boolean isAlive() {
        return http.isAlive();
    }

    public int port() {
        return http.port();
    }

    /** Stops accepting; requests still running get up to {@code grace} to finish. */
    public void stop(Duration grace) {
        http.stop(grace);
    }

    @Override
    public void close() {
        http.close();
    }
}
