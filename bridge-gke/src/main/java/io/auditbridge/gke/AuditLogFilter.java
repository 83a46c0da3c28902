package io.auditbridge.gke;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The Cloud Logging filter for GKE's Kubernetes audit entries of one project: the activity log (and the
 * data_access log when enabled), {@code resource.type="k8s_cluster"}, {@code serviceName="k8s.io"}, optional
 * cluster and location lists, an optional extra clause, and always explicit timestamp bounds (without them the
 * client library adds its own 24-hour bound).
 */
record AuditLogFilter(String project, boolean dataAccess, List<String> clusters, List<String> locations, String extra) {
    AuditLogFilter {
        Objects.requireNonNull(project, "project");
        clusters = List.copyOf(clusters);
        locations = List.copyOf(locations);
    }

    /** The filter for entries with {@code from <= timestamp <= to}. */
    String between(Instant from, Instant to) {
        return between(from, to, true);
    }

    /** The filter for entries with {@code from <= timestamp}, and {@code <= to} or, not {@code toIncluded}, {@code < to}. */
    String between(Instant from, Instant to, boolean toIncluded) {
        List<String> terms = new ArrayList<>();
        String logPrefix = "projects/" + project + "/logs/cloudaudit.googleapis.com%2F";
        terms.add(dataAccess
                ? "logName=(" + quote(logPrefix + "activity") + " OR " + quote(logPrefix + "data_access") + ")"
                : "logName=" + quote(logPrefix + "activity"));
        terms.add("resource.type=\"k8s_cluster\"");
        terms.add("protoPayload.serviceName=\"k8s.io\"");
        if (!clusters.isEmpty()) {
            terms.add("resource.labels.cluster_name=" + anyOf(clusters));
        }
        if (!locations.isEmpty()) {
            terms.add("resource.labels.location=" + anyOf(locations));
        }
        if (extra != null && !extra.isBlank()) {
            terms.add("(" + extra.trim() + ")");
        }
        terms.add("timestamp>=" + quote(from.toString()));
        terms.add((toIncluded ? "timestamp<=" : "timestamp<") + quote(to.toString()));
        return String.join(" AND ", terms);
    }

    private static String anyOf(List<String> values) {
        if (values.size() == 1) {
            return quote(values.getFirst());
        }
        List<String> quoted = new ArrayList<>(values.size());
        for (String v : values) {
            quoted.add(quote(v));
        }
        return "(" + String.join(" OR ", quoted) + ")";
    }

    private static String quote(String v) {
        return '"' + v.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
    }
}
