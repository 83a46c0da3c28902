package io.auditbridge.eks;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.zip.GZIPOutputStream;

/** Builds inputs in the documented EKS / CloudWatch Logs formats for tests. */
final class AuditFixtures {
    static final String AUDIT_STREAM = "kube-apiserver-audit-e503271cd443efdbd2050ae8ca0794eb";
    static final String LOG_GROUP = "/aws/eks/prod-eks-01/cluster";

    private AuditFixtures() {}

    /** One compact audit Event line as EKS writes it to the log stream. */
    static String auditLine(String auditId, String stage, String stageTimestamp) {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + auditId
                + "\",\"stage\":\"" + stage + "\",\"requestURI\":\"/api/v1/namespaces/default/pods\",\"verb\":\"list\","
                + "\"user\":{\"username\":\"kubernetes-admin\",\"groups\":[\"system:masters\",\"system:authenticated\"]},"
                + "\"sourceIPs\":[\"203.0.113.10\"],\"userAgent\":\"kubectl/v1.31.0\","
                + "\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"default\",\"apiVersion\":\"v1\"},"
                + "\"responseStatus\":{\"metadata\":{},\"code\":200},\"requestReceivedTimestamp\":\"" + stageTimestamp
                + "\",\"stageTimestamp\":\"" + stageTimestamp + "\",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}";
    }

    static String auditLine(String auditId) {
        return auditLine(auditId, "ResponseComplete", "2026-11-30T01:00:00.250000Z");
    }

    /** A decoded subscription DATA_MESSAGE for one stream. */
    static String dataMessage(String stream, String[]... idAndMessage) {
        return dataMessageFrom(LOG_GROUP, stream, idAndMessage);
    }

    /** A decoded subscription DATA_MESSAGE for one stream of the log group {@code group}. */
    static String dataMessageFrom(String group, String stream, String[]... idAndMessage) {
        ObjectNode root = EventJson.MAPPER.createObjectNode();
        root.put("messageType", "DATA_MESSAGE").put("owner", "111122223333").put("logGroup", group)
                .put("logStream", stream);
        root.putArray("subscriptionFilters").add("auditbridge");
        ArrayNode events = root.putArray("logEvents");
        long ts = 1796000400000L;
        for (String[] e : idAndMessage) {
            events.addObject().put("id", e[0]).put("timestamp", ts++).put("message", e[1]);
        }
        return EventJson.toString(root);
    }

    /** The CONTROL_MESSAGE CloudWatch Logs sends to check a destination. */
    static String controlMessage() {
        return "{\"messageType\":\"CONTROL_MESSAGE\",\"owner\":\"CloudwatchLogs\",\"logGroup\":\"\",\"logStream\":\"\","
                + "\"subscriptionFilters\":[],\"logEvents\":[{\"id\":\"\",\"timestamp\":1796000400000,"
                + "\"message\":\"CWL CONTROL MESSAGE: Checking health of destination Firehose.\"}]}";
    }

    static byte[] gzip(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String base64Gzip(String text) {
        return Base64.getEncoder().encodeToString(gzip(text));
    }

    /** The Lambda event for a subscription: {@code {"awslogs":{"data":"<base64 gzip>"}}}. */
    static String lambdaEvent(String payload) {
        return "{\"awslogs\":{\"data\":\"" + base64Gzip(payload) + "\"}}";
    }

    static byte[] resource(String name) {
        try {
            return Files.readAllBytes(Path.of("src/test/resources/eks", name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
