package io.auditbridge.core.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.EventReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Audit Events written for tests: realistic (~1.5 KB, like the API server's Metadata/Request level events),
 * numbered so order and loss are easy to check.
 */
public final class SampleEvents {
    private SampleEvents() {}

    public static String auditId(int i) {
        return String.format("00000000-0000-4000-8000-%012d", i);
    }

    /** The compact JSON text of event {@code i}. */
    public static String json(int i) {
        String ts = String.format("2026-11-29T10:%02d:%02d.%06dZ", (i / 60) % 60, i % 60, i % 1_000_000);
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + auditId(i)
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/team-" + (i % 7)
                + "/configmaps/settings-" + i + "?fieldManager=kubectl-client-side-apply&fieldValidation=Strict\",\"verb\":\"patch\","
                + "\"user\":{\"username\":\"system:serviceaccount:team-" + (i % 7) + ":deployer\",\"uid\":\"8f0e5f0c-4b7a-4a53-9d55-1f0d5e7c2b11\","
                + "\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:team-" + (i % 7) + "\",\"system:authenticated\"],"
                + "\"extra\":{\"authentication.kubernetes.io/pod-name\":[\"deployer-5d8f9c7b6-x2x7q\"],"
                + "\"authentication.kubernetes.io/pod-uid\":[\"0c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f\"]}},"
                + "\"sourceIPs\":[\"10.12.3." + (i % 250) + "\"],\"userAgent\":\"kubectl/v1.31.2 (linux/amd64) kubernetes/5864a46\","
                + "\"objectRef\":{\"resource\":\"configmaps\",\"namespace\":\"team-" + (i % 7) + "\",\"name\":\"settings-" + i
                + "\",\"uid\":\"3b9f2a1c-6d4e-4f8a-9b0c-1d2e3f4a5b6c\",\"apiVersion\":\"v1\",\"resourceVersion\":\"" + (100000 + i) + "\"},"
                + "\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"" + ts + "\",\"stageTimestamp\":\"" + ts + "\","
                + "\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"authorization.k8s.io/reason\":"
                + "\"RBAC: allowed by RoleBinding \\\"deployer/team-" + (i % 7) + "\\\" of Role \\\"config-editor\\\" to ServiceAccount \\\"deployer/team-" + (i % 7) + "\\\"\","
                + "\"pod-security.kubernetes.io/enforce-policy\":\"restricted:latest\",\"mutation.webhook.admission.k8s.io/round_0_index_0\":"
                + "\"{\\\"configuration\\\":\\\"policy-agent\\\",\\\"webhook\\\":\\\"mutate.policy.example.com\\\",\\\"mutated\\\":false}\"}}";
    }

    public static Event event(int i) {
        return EventReader.readEvents(json(i).getBytes(StandardCharsets.UTF_8)).getFirst();
    }

    public static List<Event> events(int from, int count) {
        List<Event> out = new ArrayList<>(count);
        for (int i = from; i < from + count; i++) {
            out.add(event(i));
        }
        return out;
    }

    /** NDJSON text of events [from, from+count). */
    public static String ndjson(int from, int count) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < from + count; i++) {
            sb.append(json(i)).append('\n');
        }
        return sb.toString();
    }

    /** An Event padded with a large requestObject to reach at least {@code bytes}. */
    public static Event large(int i, int bytes) {
        ObjectNode node = (ObjectNode) event(i).json().deepCopy();
        node.putObject("requestObject").put("data", "x".repeat(bytes));
        return Event.of(node);
    }

    /** The auditIDs of a webhook body (an EventList), in order. */
    public static List<String> auditIds(byte[] eventList) {
        List<String> ids = new ArrayList<>();
        for (var item : EventReader.readAll(eventList)) {
            ids.add(item.auditId());
        }
        return ids;
    }

    static {
        // touch the mapper so the first test does not pay for its set-up inside a measured section
        EventJson.MAPPER.getFactory();
    }
}
