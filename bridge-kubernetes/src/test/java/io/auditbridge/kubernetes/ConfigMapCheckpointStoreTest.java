package io.auditbridge.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.Map;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ConfigMapCheckpointStoreTest {
    static final String NS = "bridges";
    KubernetesMockServer server;
    KubernetesClient client;

    private ConfigMapCheckpointStore store(String name, String identity) {
        return new ConfigMapCheckpointStore(client, NS, name, identity, false);
    }

    private ConfigMap configMap(String name) {
        return client.configMaps().inNamespace(NS).withName(name).get();
    }

    @Test
    void firstLoadCreatesTheConfigMapAndARestartResumesFromIt() throws Exception {
        ConfigMapCheckpointStore first = store("gke-checkpoint", "pod-a");
        assertThat(first.load()).isEmpty();
        assertThat(configMap("gke-checkpoint").getData()).containsEntry("epoch", "1").containsEntry("writer", "pod-a");

        first.commit(Map.of("gke", "2026-11-30T01:00:00Z|id-1"));
        first.commit(Map.of("gke", "2026-11-30T01:05:00Z|id-9"));

        ConfigMapCheckpointStore restarted = store("gke-checkpoint", "pod-a");
        assertThat(restarted.load()).containsExactly(Map.entry("gke", "2026-11-30T01:05:00Z|id-9"));
        assertThat(restarted.epoch()).isEqualTo(2);
    }

    @Test
    void aConflictWithinTheSameEpochReReadsAndWritesOursKeepingForeignPartitions() throws Exception {
        ConfigMapCheckpointStore writer = store("eks-checkpoint", "pod-a");
        writer.load();
        writer.commit(Map.of("stream-1", "100"));
        // Someone edits the ConfigMap by hand (same epoch): our cached resourceVersion is now stale.
        ConfigMap edited = new ConfigMapBuilder(configMap("eks-checkpoint"))
                .addToData("positions.json", "{\"stream-1\":\"100\",\"stream-2\":\"7\"}").build();
        client.configMaps().inNamespace(NS).resource(edited).update();

        writer.commit(Map.of("stream-1", "150"));

        ConfigMapCheckpointStore reader = store("eks-checkpoint", "pod-b");
        assertThat(reader.load()).containsOnly(Map.entry("stream-1", "150"), Map.entry("stream-2", "7"));
    }

    @Test
    void whenANewerWriterClaimedTheCheckpointTheOldOneIsFencedAndNeverMovesItBack() throws Exception {
        ConfigMapCheckpointStore oldLeader = store("gke-checkpoint", "pod-a");
        oldLeader.load();
        oldLeader.commit(Map.of("gke", "100"));

        ConfigMapCheckpointStore newLeader = store("gke-checkpoint", "pod-b");
        assertThat(newLeader.load()).containsExactly(Map.entry("gke", "100"));
        newLeader.commit(Map.of("gke", "180"));

        // The old leader, stalled meanwhile, tries to commit an older position: refused, ConfigMap untouched.
        assertThatThrownBy(() -> oldLeader.commit(Map.of("gke", "120")))
                .isInstanceOf(CheckpointFencedException.class)
                .hasMessageContaining("claimed by pod-b");
        assertThat(oldLeader.isFenced()).isTrue();
        assertThatThrownBy(() -> oldLeader.commit(Map.of("gke", "130"))).isInstanceOf(CheckpointFencedException.class);

        assertThat(configMap("gke-checkpoint").getData())
                .containsEntry("positions.json", "{\"gke\":\"180\"}")
                .containsEntry("writer", "pod-b")
                .containsEntry("epoch", "2");
        newLeader.commit(Map.of("gke", "200"));
        assertThat(store("gke-checkpoint", "pod-c").load()).containsExactly(Map.entry("gke", "200"));
    }

    @Test
    void aClaimThatRacesACommitReadsAgainAndClaimsAboveIt() throws Exception {
        ConfigMapCheckpointStore oldLeader = store("race", "pod-a");
        oldLeader.load();
        ConfigMapCheckpointStore newLeader = store("race", "pod-b");
        newLeader.load();
        // Both claimed in turn: distinct epochs, the later one higher.
        assertThat(newLeader.epoch()).isGreaterThan(oldLeader.epoch());
        assertThatThrownBy(() -> oldLeader.commit(Map.of("p", "1"))).isInstanceOf(CheckpointFencedException.class);
        newLeader.commit(Map.of("p", "2"));
        assertThat(configMap("race").getData()).containsEntry("positions.json", "{\"p\":\"2\"}");
    }

    @Test
    void staleResourceVersionsAreRefusedByTheApiServer() {
        // Guards the premise of the tests above: the mock API server enforces optimistic concurrency.
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder().withNewMetadata().withName("cas").endMetadata()
                .addToData("k", "1").build()).create();
        ConfigMap stale = configMap("cas");
        client.configMaps().inNamespace(NS).resource(new ConfigMapBuilder(stale).addToData("k", "2").build()).update();
        assertThatThrownBy(() -> client.configMaps().inNamespace(NS)
                .resource(new ConfigMapBuilder(stale).addToData("k", "3").build()).update())
                .hasMessageContaining("409");
    }
}
