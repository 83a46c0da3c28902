package io.auditbridge.core.testing;

import io.auditbridge.core.Source;
import io.auditbridge.core.SourceRecord;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A source of {@code count} generated audit Events made as they are polled (nothing held in advance), each
 * with its position: a backfill of any size from a fake source, for the bounded-heap tests.
 */
public final class GeneratedEventSource implements Source<byte[]> {
    private final long count;
    private final int chunk;
    private long next;

    public GeneratedEventSource(long count, int chunk) {
        this.count = count;
        this.chunk = chunk;
    }

    @Override
    public void start(Map<String, String> committed) {
        next = Long.parseLong(committed.getOrDefault("generated", "0"));
    }

    @Override
    public List<SourceRecord<byte[]>> poll() {
        if (next >= count) {
            return null;
        }
        List<SourceRecord<byte[]>> out = new ArrayList<>(chunk);
        for (int i = 0; i < chunk && next < count; i++, next++) {
            out.add(new SourceRecord<>("generated", Long.toString(next + 1), "event-" + next,
                    event(next).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    /** One audit.k8s.io/v1 Event, about 1 KB, with a unique auditID. */
    public static String event(long i) {
        String id = String.format("%08x-0000-4000-8000-%012x", i >>> 16, i);
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + id
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/team-" + (i % 50)
                + "/pods/web-" + i + "\",\"verb\":\"get\",\"user\":{\"username\":\"system:serviceaccount:team-" + (i % 50)
                + ":deployer\",\"uid\":\"5d2b6a2e-0000-4000-8000-000000000001\",\"groups\":[\"system:serviceaccounts\","
                + "\"system:authenticated\"]},\"sourceIPs\":[\"10.0." + (i % 250) + ".7\"],\"userAgent\":\"kubectl/v1.31.0 (linux/amd64)\","
                + "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"team-" + (i % 50) + "\",\"name\":\"web-" + i
                + "\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"2026-12-05T10:00:00.123456Z\",\"stageTimestamp\":\"2026-12-05T10:00:00.134567Z\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":"
                + "\"RBAC: allowed by RoleBinding \\\"deployer\\\" of Role \\\"deployer\\\" to ServiceAccount \\\"deployer/team\\\"\"}}";
    }
}
