package io.auditbridge.kubernetes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.checkpoint.FileCheckpointStore;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.ConfigException;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** How --checkpoint-configmap and --leader-election choose the store a polling run gets. */
@EnableKubernetesMockClient(crud = true)
class CheckpointOptionsTest {
    KubernetesMockServer server;
    KubernetesClient client;

    @Command(name = "run")
    static final class Run {
        @Mixin CheckpointOptions checkpoint;
    }

    private static CheckpointOptions parse(String... args) {
        Run run = new Run();
        BridgeCli.commandLine(run).parseArgs(args);
        return run.checkpoint;
    }

    @Test
    void withoutAConfigMapTheCheckpointIsTheFile() {
        assertThat(parse("--checkpoint-file", "/tmp/x.json").store()).isInstanceOf(FileCheckpointStore.class);
    }

    @Test
    void leaderElectionWithoutASharedCheckpointIsAConfigErrorNamingTheOption() {
        assertThatThrownBy(() -> parse("--leader-election").store())
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("--leader-election: needs --checkpoint-configmap");
    }

    @Test
    void aConfigMapAloneGivesAConfigMapStoreAndLeaderElectionAddsTheLease() {
        CheckpointStore plain = KubernetesCoordination.create(server.createClient(),
                parse("--checkpoint-configmap", "ckpt", "--kubernetes-namespace", "ns"), Map.of("HOSTNAME", "host-1")::get);
        assertThat(plain).isInstanceOf(ConfigMapCheckpointStore.class);

        CheckpointOptions o = parse("--checkpoint-configmap", "ckpt", "--kubernetes-namespace", "ns", "--leader-election",
                "--lease-duration", "30s", "--lease-renew-deadline", "20s", "--lease-retry-period", "4s");
        CheckpointStore elected = KubernetesCoordination.create(server.createClient(), o, Map.of("POD_NAME", "pod-a", "HOSTNAME", "host-1")::get);
        assertThat(elected).isInstanceOf(LeaderElectedCheckpointStore.class);
        assertThat(((LeaderElectedCheckpointStore) elected).leadership().identity()).as("POD_NAME wins over HOSTNAME").isEqualTo("pod-a");
        assertThat(o.leaseDuration).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void inconsistentLeaseTimingsAreAConfigError() {
        CheckpointOptions o = parse("--checkpoint-configmap", "ckpt", "--kubernetes-namespace", "ns", "--leader-election",
                "--lease-duration", "10s", "--lease-renew-deadline", "15s");
        assertThatThrownBy(() -> KubernetesCoordination.create(server.createClient(), o, Map.of("POD_NAME", "p")::get))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("--lease-renew-deadline").hasMessageContaining("shorter than the lease duration");
    }

    @Test
    void identityFallsBackToHostname() {
        assertThat(KubernetesCoordination.identity(Map.of("HOSTNAME", "host-1")::get)).isEqualTo("host-1");
        assertThat(KubernetesCoordination.identity(Map.of("POD_NAME", " pod-b ")::get)).isEqualTo("pod-b");
    }
}
