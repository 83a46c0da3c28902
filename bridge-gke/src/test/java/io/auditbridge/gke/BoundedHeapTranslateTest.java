package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.BoundedHeapRun;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: 1M LogEntries through {@code translate} under -Xmx256m, as {@code gcloud logging read --format=json}
 * writes them (one JSON array), generated into the child's stdin on one line.
 */
class BoundedHeapTranslateTest {
    private static final int ENTRIES = 1_000_000;

    @Test
    void oneMillionLogEntriesInOneArrayTranslateUnder256MiBOfHeap() throws Exception {
        BoundedHeapRun.Result r = BoundedHeapRun.run("256m", GkeBridge.class, List.of("translate", "-"), stdin -> {
            stdin.write('[');
            for (int i = 0; i < ENTRIES; i++) {
                stdin.write(((i == 0 ? "" : ",") + entry(i)).getBytes(StandardCharsets.UTF_8));
            }
            stdin.write("]\n".getBytes(StandardCharsets.UTF_8));
        }, 30);

        assertThat(r.exitCode()).as(r.stderrTail()).isZero();
        assertThat(r.stdoutLines()).as(r.stderrTail()).isEqualTo(ENTRIES);
        assertThat(r.stderrTail()).contains(ENTRIES + " events, 0 record errors");
    }

    /** A GKE Data Access entry for a pod read, as Cloud Logging exports it. */
    private static String entry(int i) {
        String id = String.format("%08x-0000-4000-8000-%012x", i >>> 16, i);
        String resource = "core/v1/namespaces/team-" + (i % 50) + "/pods/web-" + i;
        return "{\"insertId\":\"" + id + "\",\"labels\":{\"authorization.k8s.io/decision\":\"allow\"},"
                + "\"logName\":\"projects/acme-prod/logs/cloudaudit.googleapis.com%2Fdata_access\","
                + "\"operation\":{\"first\":true,\"id\":\"" + id + "\",\"last\":true,\"producer\":\"k8s.io\"},"
                + "\"protoPayload\":{\"@type\":\"type.googleapis.com/google.cloud.audit.AuditLog\","
                + "\"authenticationInfo\":{\"principalEmail\":\"deployer@acme-prod.iam.gserviceaccount.com\"},"
                + "\"authorizationInfo\":[{\"granted\":true,\"permission\":\"io.k8s.core.v1.pods.get\",\"resource\":\"" + resource + "\"}],"
                + "\"methodName\":\"io.k8s.core.v1.pods.get\",\"requestMetadata\":{\"callerIp\":\"10.0." + (i % 250) + ".7\","
                + "\"callerSuppliedUserAgent\":\"kubectl/v1.31.0 (linux/amd64)\"},\"resourceName\":\"" + resource + "\","
                + "\"serviceName\":\"k8s.io\",\"status\":{}},\"receiveTimestamp\":\"2026-12-05T10:00:00.234567Z\","
                + "\"resource\":{\"labels\":{\"cluster_name\":\"prod-1\",\"location\":\"europe-west1\",\"project_id\":\"acme-prod\"},"
                + "\"type\":\"k8s_cluster\"},\"timestamp\":\"2026-12-05T10:00:00.134567Z\"}";
    }
}
