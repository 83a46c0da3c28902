package io.auditbridge.aks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Diagnostic Settings write {@code resourceId} in UPPER CASE ({@code …/MANAGEDCLUSTERS/PROD-WEU-1}); the operator's
 * {@code --cluster} wins, and {@code --cluster-lowercase} lower-cases the derived name. Run through the real
 * {@code translate} command on the Event Hubs body fixture.
 */
class AksClusterNamingTest {
    @RegisterExtension
    static WireMockExtension webhook = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private List<String> clusterNames(String... options) throws Exception {
        webhook.resetAll();
        webhook.stubFor(post("/k8s-audit").willReturn(aResponse().withStatus(200)));
        Path body = dir.resolve("body.json");
        Files.write(body, DiagnosticRecordTranslatorTest.body("mixed-categories.json"));
        List<String> args = new ArrayList<>(List.of("translate", "--sink", webhook.baseUrl() + "/k8s-audit",
                "--dead-letter-file", dir.resolve("dead.ndjson").toString()));
        args.addAll(List.of(options));
        args.add(body.toString());
        assertThat(BridgeCli.commandLine(new AksBridge()).execute(args.toArray(String[]::new))).isZero();
        List<String> names = new ArrayList<>();
        for (var r : webhook.findAll(postRequestedFor(urlEqualTo("/k8s-audit")))) {
            for (JsonNode e : EventJson.MAPPER.readTree(r.getBody()).path("items")) {
                names.add(e.path("annotations").path("cluster_name").asText(null));
            }
        }
        assertThat(names).isNotEmpty();
        return names;
    }

    @Test
    void byDefaultTheNameIsTheResourceIdsAsAzureWritesIt() throws Exception {
        assertThat(clusterNames()).containsOnly("PROD-WEU-1");
    }

    @Test
    void lowerCasingIsOffered() throws Exception {
        assertThat(clusterNames("--cluster-lowercase")).containsOnly("prod-weu-1");
    }

    @Test
    void theOperatorsNameWinsAndIsNeverRecased() throws Exception {
        assertThat(clusterNames("--cluster", "Prod-WEU-1")).containsOnly("Prod-WEU-1");
        assertThat(clusterNames("--cluster", "Prod-WEU-1", "--cluster-lowercase")).containsOnly("Prod-WEU-1");
    }

    @Test
    void namingRules() {
        String id = "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG-AKS/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/PROD-WEU-1";
        assertThat(new ClusterNaming(null, false).nameFor(id)).isEqualTo("PROD-WEU-1");
        assertThat(new ClusterNaming(null, true).nameFor(id)).isEqualTo("prod-weu-1");
        assertThat(new ClusterNaming(" mine ", true).nameFor(id)).isEqualTo("mine");
        assertThat(new ClusterNaming("  ", false).nameFor(id)).isEqualTo("PROD-WEU-1");
        assertThat(new ClusterNaming(null, true).nameFor("/SUBSCRIPTIONS/0000")).isNull();
    }
}
