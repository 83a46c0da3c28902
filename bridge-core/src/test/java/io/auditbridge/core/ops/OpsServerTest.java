package io.auditbridge.core.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

class OpsServerTest {
    private final OkHttpClient http = new OkHttpClient();

    private Response get(int port, String path) throws Exception {
        return http.newCall(new Request.Builder().url("http://127.0.0.1:" + port + path).build()).execute();
    }

    @Test
    void servesMetricsAndProbesThatFollowTheChecks() throws Exception {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry, "gke");
        metrics.eventsIn(3);
        metrics.deadLettered("rejected", 1);
        AtomicBoolean ready = new AtomicBoolean(false);
        try (OpsServer ops = OpsServer.start("127.0.0.1", 0, registry, () -> true, ready::get)) {
            try (Response m = get(ops.port(), "/metrics")) {
                String body = m.body().string();
                assertThat(m.code()).isEqualTo(200);
                assertThat(body).contains("auditbridge_events_in_total{source=\"gke\"} 3.0")
                        .contains("auditbridge_events_dead_lettered_total{reason=\"rejected\",source=\"gke\"} 1.0")
                        .contains("auditbridge_lag_seconds");
            }
            try (Response h = get(ops.port(), "/healthz")) {
                assertThat(h.code()).isEqualTo(200);
            }
            try (Response r = get(ops.port(), "/readyz")) {
                assertThat(r.code()).isEqualTo(503);
            }
            ready.set(true);
            try (Response r = get(ops.port(), "/readyz")) {
                assertThat(r.code()).isEqualTo(200);
            }
        }
    }
}
