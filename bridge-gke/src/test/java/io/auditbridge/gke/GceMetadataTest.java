package io.auditbridge.gke;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.auditbridge.core.cli.ConfigException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Project and cluster from the metadata server when the flags leave them out (WireMock plays the server). */
class GceMetadataTest {
    private WireMockServer metadata;

    @BeforeEach
    void start() {
        metadata = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
        metadata.start();
    }

    @AfterEach
    void stop() {
        metadata.stop();
    }

    private GceMetadata client() {
        return new GceMetadata("127.0.0.1:" + metadata.port());
    }

    @Test
    void projectAndClusterComeFromTheMetadataServerWithTheFlavorHeader() {
        metadata.stubFor(get(urlEqualTo("/computeMetadata/v1/project/project-id")).withHeader("Metadata-Flavor", equalTo("Google"))
                .willReturn(aResponse().withBody("demo-project")));
        metadata.stubFor(get(urlEqualTo("/computeMetadata/v1/instance/attributes/cluster-name")).withHeader("Metadata-Flavor", equalTo("Google"))
                .willReturn(aResponse().withBody("prod-1\n")));
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.pageSize = 1000;
        o.readsPerMinute = 60;

        AuditLogFilter f = o.filter(client());

        assertThat(f.project()).isEqualTo("demo-project");
        assertThat(f.clusters()).containsExactly("prod-1");
    }

    @Test
    void flagsWinOverTheMetadataServer() {
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.project = "flag-project";
        o.clusters = java.util.List.of("c1", "c2");
        o.pageSize = 1000;
        o.readsPerMinute = 60;
        AuditLogFilter f = o.filter(client());
        assertThat(f.project()).isEqualTo("flag-project");
        assertThat(f.clusters()).containsExactly("c1", "c2");
        assertThat(metadata.getAllServeEvents()).isEmpty();
    }

    @Test
    void allClustersServesTheWholeProjectWithoutAsking() {
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.project = "flag-project";
        o.allClusters = true;
        o.pageSize = 1000;
        o.readsPerMinute = 60;
        assertThat(o.filter(client()).clusters()).isEmpty();
        assertThat(metadata.getAllServeEvents()).isEmpty();
    }

    @Test
    void outsideGkeWithoutClusterFlagEveryClusterIsRead() {
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.project = "flag-project";
        o.pageSize = 1000;
        o.readsPerMinute = 60;
        assertThat(o.filter(client()).clusters()).isEmpty(); // the metadata server (WireMock, no stub) names none
    }

    @Test
    void withoutProjectAndWithoutAnAnswerTheOptionIsNamed() {
        CloudLoggingOptions o = new CloudLoggingOptions();
        o.pageSize = 1000;
        o.readsPerMinute = 60;
        assertThatThrownBy(() -> o.filter(client())).isInstanceOf(ConfigException.class).hasMessageStartingWith("--project:");
    }
}
