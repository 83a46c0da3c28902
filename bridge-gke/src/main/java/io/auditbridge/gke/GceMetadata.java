package io.auditbridge.gke;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The GCE/GKE metadata server, asked for what the flags did not say: the project and the cluster this pod
 * runs in. {@code GCE_METADATA_HOST} overrides the host, as Google's client libraries do.
 */
final class GceMetadata {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    GceMetadata(String host) {
        this.base = "http://" + host + "/computeMetadata/v1/";
    }

    static GceMetadata fromEnvironment() {
        String host = System.getenv("GCE_METADATA_HOST");
        return new GceMetadata(host == null || host.isBlank() ? "metadata.google.internal" : host.trim());
    }

    /** The project id, or null when there is no metadata server. */
    String projectId() {
        return get("project/project-id");
    }

    /** The GKE cluster name of the node, or null. */
    String clusterName() {
        return get("instance/attributes/cluster-name");
    }

    /** The GKE cluster location (region or zone) of the node, or null. */
    String clusterLocation() {
        return get("instance/attributes/cluster-location");
    }

    private String get(String path) {
        HttpRequest req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(2))
                .header("Metadata-Flavor", "Google").GET().build();
        try {
            HttpResponse<String> resp = http.send(req, HttpResponse.BodyHandlers.ofString());
            return resp.statusCode() == 200 && !resp.body().isBlank() ? resp.body().trim() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
