package io.auditbridge.kubernetes;

import com.fasterxml.jackson.core.type.TypeReference;
import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.EventJson;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Positions in a ConfigMap, so that any replica of a Deployment can resume from them (no volume to move).
 *
 * <pre>
 * data:
 *   positions.json: {"partition":"position",...}
 *   epoch: "7"          # bumped by every writer that starts; the fencing token
 *   writer: "bridge-gke-5d9c-abcde"
 * </pre>
 *
 * <p><b>Concurrency.</b> Every write is a compare-and-swap on the ConfigMap's {@code resourceVersion}
 * (Kubernetes answers 409 Conflict when someone wrote in between). {@link #load} claims the checkpoint: it
 * writes {@code epoch + 1} and remembers it. On a conflict, {@link #commit} re-reads the ConfigMap and:
 * <ul>
 *   <li><b>another writer won</b> (the stored epoch is higher than ours: a newer leader loaded after us) —
 *       nothing is written, now or later; the commit throws {@link CheckpointFencedException}. The newer
 *       writer resumed from what we had committed and only moves forward from there, so overwriting it
 *       would move its positions backwards. Whatever we delivered after our last successful commit is
 *       delivered again by the new writer: the at-least-once window.</li>
 *   <li><b>same epoch</b> (our own earlier write whose answer was lost, or an edit by hand) — our positions,
 *       which only move forward within one writer, are written again on top of the stored map.</li>
 * </ul>
 * Partitions present in the ConfigMap but absent from a commit are kept, never dropped.
 */
public final class ConfigMapCheckpointStore implements CheckpointStore {
    private static final Logger log = LoggerFactory.getLogger(ConfigMapCheckpointStore.class);
    private static final TypeReference<Map<String, String>> POSITIONS = new TypeReference<>() {};
    static final String KEY_POSITIONS = "positions.json";
    static final String KEY_EPOCH = "epoch";
    static final String KEY_WRITER = "writer";
    private static final int MAX_ATTEMPTS = 8;

    private final KubernetesClient client;
    private final String namespace;
    private final String name;
    private final String identity;
    private final boolean ownsClient;

    private long epoch;
    private String resourceVersion;
    private Map<String, String> stored = Map.of();
    private boolean fenced;

    /**
     * @param ownsClient whether {@link #close} closes {@code client}
     */
    public ConfigMapCheckpointStore(KubernetesClient client, String namespace, String name, String identity, boolean ownsClient) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
        this.name = Objects.requireNonNull(name, "name");
        this.identity = Objects.requireNonNull(identity, "identity");
        this.ownsClient = ownsClient;
    }

    /** Reads the positions and claims the checkpoint for this writer (epoch + 1), creating the ConfigMap if absent. */
    @Override
    public synchronized Map<String, String> load() throws IOException {
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            ConfigMap current = get();
            long next = current == null ? 1 : epochOf(current) + 1;
            Map<String, String> positions = current == null ? Map.of() : positionsOf(current);
            try {
                ConfigMap written = current == null
                        ? client.configMaps().inNamespace(namespace).resource(configMap(positions, next, null)).create()
                        : client.configMaps().inNamespace(namespace)
                                .resource(configMap(positions, next, current.getMetadata().getResourceVersion())).update();
                accept(written, next, positions);
                fenced = false;
                log.info("checkpoint claimed configmap={}/{} epoch={} writer={} positions={}", namespace, name, next, identity, positions);
                return positions;
            } catch (KubernetesClientException e) {
                if (!isConflict(e)) {
                    throw failure("claim", e);
                }
                // Someone else claimed or committed in between: read again and claim above them.
            }
        }
        throw new IOException("checkpoint configmap " + namespace + "/" + name + " kept changing while being claimed");
    }

    @Override
    public synchronized void commit(Map<String, String> positions) throws IOException {
        if (fenced) {
            throw fencedError(null);
        }
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            Map<String, String> merged = new TreeMap<>(stored);
            merged.putAll(positions);
            try {
                ConfigMap written = client.configMaps().inNamespace(namespace)
                        .resource(configMap(merged, epoch, resourceVersion)).update();
                accept(written, epoch, merged);
                return;
            } catch (KubernetesClientException e) {
                if (!isConflict(e) && e.getCode() != HttpURLConnection.HTTP_NOT_FOUND) {
                    throw failure("commit", e);
                }
            }
            ConfigMap current = get();
            if (current == null) {
                throw new IOException("checkpoint configmap " + namespace + "/" + name + " was deleted; restart to claim it again");
            }
            long theirs = epochOf(current);
            if (theirs > epoch) {
                fenced = true;
                throw fencedError(current);
            }
            resourceVersion = current.getMetadata().getResourceVersion();
            stored = positionsOf(current);
        }
        throw new IOException("checkpoint configmap " + namespace + "/" + name + " kept changing during commit");
    }

    /** The epoch this writer claimed; 0 before {@link #load}. */
    public synchronized long epoch() {
        return epoch;
    }

    /** Whether a newer writer took the checkpoint over (no further commit is attempted). */
    public synchronized boolean isFenced() {
        return fenced;
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    private void accept(ConfigMap written, long claimedEpoch, Map<String, String> positions) {
        this.epoch = claimedEpoch;
        this.resourceVersion = written.getMetadata().getResourceVersion();
        this.stored = Map.copyOf(positions);
    }

    private ConfigMap get() throws IOException {
        try {
            return client.configMaps().inNamespace(namespace).withName(name).get();
        } catch (KubernetesClientException e) {
            throw failure("read", e);
        }
    }

    private ConfigMap configMap(Map<String, String> positions, long writeEpoch, String expectedVersion) throws IOException {
        return new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(name)
                    .withNamespace(namespace)
                    .withResourceVersion(expectedVersion)
                    .addToLabels("app.kubernetes.io/part-of", "auditbridge")
                    .addToLabels("app.kubernetes.io/component", "checkpoint")
                .endMetadata()
                .addToData(KEY_POSITIONS, EventJson.MAPPER.writeValueAsString(new TreeMap<>(positions)))
                .addToData(KEY_EPOCH, Long.toString(writeEpoch))
                .addToData(KEY_WRITER, identity)
                .build();
    }

    private Map<String, String> positionsOf(ConfigMap cm) throws IOException {
        String json = cm.getData() == null ? null : cm.getData().get(KEY_POSITIONS);
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            return Map.copyOf(EventJson.MAPPER.readValue(json, POSITIONS));
        } catch (IOException e) {
            throw new IOException("checkpoint configmap " + namespace + "/" + name + " has no valid " + KEY_POSITIONS
                    + "; delete the key to start over", e);
        }
    }

    private long epochOf(ConfigMap cm) {
        String v = cm.getData() == null ? null : cm.getData().get(KEY_EPOCH);
        try {
            return v == null ? 0 : Long.parseLong(v.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private CheckpointFencedException fencedError(ConfigMap current) {
        String by = current == null || current.getData() == null ? "a newer writer" : current.getData().get(KEY_WRITER);
        return new CheckpointFencedException("checkpoint configmap " + namespace + "/" + name + " was claimed by " + by
                + " after this writer (" + identity + ", epoch " + epoch + "); positions not written");
    }

    private static boolean isConflict(KubernetesClientException e) {
        return e.getCode() == HttpURLConnection.HTTP_CONFLICT;
    }

    private IOException failure(String what, KubernetesClientException e) {
        // The status message names the object and the reason; it carries no credentials.
        return new IOException("checkpoint configmap " + namespace + "/" + name + ": " + what + " failed (HTTP "
                + e.getCode() + "): " + (e.getStatus() != null ? e.getStatus().getMessage() : e.getMessage()), e);
    }
}
