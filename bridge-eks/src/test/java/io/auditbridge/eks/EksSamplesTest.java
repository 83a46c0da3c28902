package io.auditbridge.eks;

import static io.auditbridge.core.testing.TranslateRun.sample;
import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.testing.TranslateRun;
import org.junit.jupiter.api.Test;

/** The inputs of {@code samples/eks} (and the apiserver EventList), translated as bridge-eks/README.md shows. */
class EksSamplesTest {
    @Test
    void filterLogEventsPage() {
        TranslateRun run = TranslateRun.of(new EksBridge(), "--cluster", "prod-eks-01",
                sample("eks/filter-log-events-page.json").toString());
        // The last event was cut by CloudWatch ([Truncated...]): a record error reported with its auditID; the rest
        // is delivered, and the exit code speaks only of delivery.
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.at("/auditID")).containsExactly("c4d7a1e2-6b3f-4f58-9a0d-2e1c7b5a3f91",
                "1f2e3d4c-5b6a-4798-8a9b-0c1d2e3f4a5b", "8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0", "8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0");
        assertThat(run.at("/stage")).endsWith("ResponseStarted", "ResponseComplete");
        assertThat(run.at("/annotations/cluster_name")).containsOnly("prod-eks-01");
        assertThat(run.at("/user/extra/sessionName/0")).startsWith("alice");
        assertThat(run.stderr()).contains("eks: 4 events, 1 record errors");
        assertThat(run.at("/auditID")).doesNotContain("d1c2b3a4-9f8e-4d7c-a6b5-c4d3e2f1a0b9");
    }

    @Test
    void lambdaSubscriptionEventNamesItsClusterFromTheLogGroup() {
        TranslateRun run = TranslateRun.of(new EksBridge(), sample("eks/lambda-subscription-event.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.at("/auditID")).containsExactly("c4d7a1e2-6b3f-4f58-9a0d-2e1c7b5a3f91",
                "8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0", "8e7d6c5b-4a39-4281-b7c6-d5e4f3a2b1c0");
        assertThat(run.at("/annotations/cluster_name")).containsOnly("prod-eks-01");
        TranslateRun decoded = TranslateRun.of(new EksBridge(), sample("eks/subscription-payload.json").toString());
        assertThat(decoded.events()).isEqualTo(run.events());
    }

    @Test
    void apiserverWebhookEventList() {
        TranslateRun run = TranslateRun.of(new EksBridge(), sample("eventlist.json").toString());
        assertThat(run.exitCode()).as(run.stderr()).isZero();
        assertThat(run.events()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.get("kind").asText()).isEqualTo("Event");
            assertThat(e.path("annotations").path("auditbridge.io/source").asText()).isEqualTo("eks");
        });
        assertThat(run.stderr()).contains("eks: " + run.events().size() + " events, 0 record errors");
    }
}
