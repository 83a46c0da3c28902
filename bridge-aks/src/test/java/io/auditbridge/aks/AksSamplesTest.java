package io.auditbridge.aks;

import static io.auditbridge.core.testing.TranslateRun.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.TranslateRun;
import org.junit.jupiter.api.Test;

/** {@code samples/aks/event-hubs-body.json}, translated as bridge-aks/README.md shows. */
class AksSamplesTest {
    @Test
    void eventHubsBody() {
        TranslateRun run = TranslateRun.of(new AksBridge(), sample("aks/event-hubs-body.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.at("/auditID")).containsExactly("5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e51", "5f0c6a1e-2b7d-4c1a-9e3f-0a1b2c3d4e52");
        assertThat(run.at("/objectRef/subresource")).containsExactly("exec", null);
        assertThat(run.at("/requestObject/roleRef/name")).containsExactly(null, "cluster-admin");
        assertThat(run.at("/annotations/cluster_name")).containsOnly("PROD-WEU-1");
        assertThat(run.stderr()).contains("aks: 2 events, 0 record errors, 1 skipped");

        TranslateRun lower = TranslateRun.of(new AksBridge(), "--cluster-lowercase", sample("aks/event-hubs-body.json").toString());
        assertThat(lower.at("/annotations/cluster_name")).containsOnly("prod-weu-1");
    }
}
