package io.auditbridge.openshift;

import io.auditbridge.core.Pipeline;
import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.http.ResponseObserver;
import io.auditbridge.core.ops.PipelineMetrics;
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
     * Starts serving. {@code pipeline} must be started and should hand failures back
     * ({@link Pipeline.OnGiveUp#FAIL_SUBMISSION}) with a retry budget shorter than the request timeout, so a
     * sink outage turns into a 503 the collector retries rather than a timeout.
     */
    public static OpenShiftReceiver start(HttpReceiverConfig config, Pipeline<ForwardedRecord> pipeline,
                                          String clusterName, String clusterNameHeader) throws IOException {
        ForwarderHandler handler = new ForwarderHandler(pipeline, clusterName, clusterNameHeader, config.retryAfter());
        PipelineMetrics metrics = pipeline.metrics();
        HttpReceiverConfig limited = config.mediaTypes().isEmpty() ? config.withMediaTypes(MEDIA_TYPES) : config;
        return new OpenShiftReceiver(HttpReceiver.start(limited, handler, new ResponseObserver() {
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
        }));
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
