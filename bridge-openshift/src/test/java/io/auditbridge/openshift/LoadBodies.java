package io.auditbridge.openshift;

import java.nio.charset.StandardCharsets;

/** Generated 6.x request bodies with unique auditIDs, for the load test and the throughput bench. */
public final class LoadBodies {
    private LoadBodies() {}

    /** One 6.x request: {@code events} kube-apiserver Events plus one auditd record, as Vector posts them. */
    public static byte[] request(int sender, int request, int events) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < events; i++) {
            String id = String.format("%08x-0000-4000-8000-%04x%08x", sender, request, i);
            b.append("{\"@timestamp\":\"2025-06-02T14:09:03.037275438Z\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"},")
                    .append("\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"").append(id).append("\",")
                    .append("\"hostname\":\"master-").append(sender % 3).append("\",\"k8s_audit_level\":\"Metadata\",\"kind\":\"Event\",")
                    .append("\"level\":\"Metadata\",\"log_source\":\"kubeAPI\",\"log_type\":\"audit\",")
                    .append("\"objectRef\":{\"apiVersion\":\"v1\",\"name\":\"cm-").append(i).append("\",\"namespace\":\"team-")
                    .append(sender).append("\",\"resource\":\"configmaps\"},")
                    .append("\"openshift\":{\"cluster_id\":\"5b1e4f0e-3c2a-4e7b-9d51-2f6a8c0b7e11\",\"sequence\":").append(i).append("},")
                    .append("\"requestReceivedTimestamp\":\"2025-06-02T14:09:02.114532Z\",\"requestURI\":\"/api/v1/namespaces/team-")
                    .append(sender).append("/configmaps/cm-").append(i).append("\",\"responseStatus\":{\"code\":200,\"metadata\":{}},")
                    .append("\"sourceIPs\":[\"10.0.12.4\"],\"stage\":\"ResponseComplete\",\"stageTimestamp\":\"2025-06-02T14:09:02.163001Z\",")
                    .append("\"timestamp\":\"2025-06-02T14:09:03.037275438Z\",\"user\":{\"groups\":[\"system:authenticated\"],\"username\":\"dev-")
                    .append(sender).append("\"},\"userAgent\":\"kubectl/v1.31.3\",\"verb\":\"get\"},");
        }
        b.append("{\"log_source\":\"auditd\",\"log_type\":\"audit\",\"message\":\"type=SYSCALL msg=audit(1748873699.512:1)\"}]");
        return b.toString().getBytes(StandardCharsets.UTF_8);
    }
}
