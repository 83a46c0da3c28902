package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.messaging.eventhubs.models.EventPosition;
import io.auditbridge.core.cli.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AksCommandConfigTest {
    private static final String CS = "Endpoint=sb://aks-audit.servicebus.windows.net/;SharedAccessKeyName=listen;SharedAccessKey=c2VjcmV0";

    @TempDir
    Path dir;

    private static <T> T parse(T command, String... args) {
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void theNamespaceAndHubComeFromTheConnectionStringWhenOneIsGiven() {
        EventHubsOptions o = parse(new EventHubsOptions());
        Map<String, String> env = Map.of(EventHubsOptions.CONNECTION_STRING_ENV, CS + ";EntityPath=aks-audit-hub");

        assertThat(o.fullyQualifiedNamespace(env::get)).isEqualTo("aks-audit.servicebus.windows.net");
        assertThat(o.eventHub(env::get)).isEqualTo("aks-audit-hub");
        assertThat(o.consumerGroup()).isEqualTo("auditbridge");
    }

    @Test
    void aConnectionStringFileWinsOverTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("cs"), CS.replace("aks-audit", "from-file") + "\n");
        EventHubsOptions o = parse(new EventHubsOptions(), "--eventhub-connection-string-file", file.toString());

        assertThat(o.fullyQualifiedNamespace(Map.of(EventHubsOptions.CONNECTION_STRING_ENV, CS)::get))
                .isEqualTo("from-file.servicebus.windows.net");
        assertThat(o.eventHub(k -> null)).isEqualTo("insights-logs-kube-audit");
    }

    @Test
    void withoutConnectionStringTheNamespaceIsRequiredAndTheErrorNamesIt() {
        EventHubsOptions o = parse(new EventHubsOptions());

        assertThatThrownBy(() -> o.fullyQualifiedNamespace(k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--eventhub-namespace");
        assertThat(parse(new EventHubsOptions(), "--eventhub-namespace", "ns.servicebus.windows.net").fullyQualifiedNamespace(k -> null))
                .isEqualTo("ns.servicebus.windows.net");
    }

    @Test
    void anUnreadableSecretFileIsReportedWithoutItsContent() {
        EventHubsOptions o = parse(new EventHubsOptions(), "--eventhub-connection-string-file", dir.resolve("missing").toString());

        assertThatThrownBy(() -> o.connectionString(k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--eventhub-connection-string-file").hasMessageContaining("NoSuchFileException");
    }

    @Test
    void startPositionAcceptsEarliestLatestATimeOrADurationAgo() {
        Clock clock = Clock.fixed(Instant.parse("2026-11-29T12:00:00Z"), ZoneOffset.UTC);

        assertThat(StartPosition.parse("--start-position", "earliest", clock)).isEqualTo(EventPosition.earliest());
        assertThat(StartPosition.parse("--start-position", "LATEST", clock)).isEqualTo(EventPosition.latest());
        assertThat(StartPosition.parse("--start-position", "2026-11-29T10:00:00Z", clock))
                .isEqualTo(EventPosition.fromEnqueuedTime(Instant.parse("2026-11-29T10:00:00Z")));
        assertThat(StartPosition.parse("--start-position", "6h", clock))
                .isEqualTo(EventPosition.fromEnqueuedTime(Instant.parse("2026-11-29T06:00:00Z")));
        assertThatThrownBy(() -> StartPosition.parse("--start-position", "yesterday", clock))
                .isInstanceOf(ConfigException.class).hasMessageContaining("--start-position");
    }

    @Test
    void withoutStorageConnectionStringTheContainerUrlIsRequired() {
        CheckpointContainerOptions o = parse(new CheckpointContainerOptions());

        assertThatThrownBy(() -> o.container(k -> null)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--checkpoint-container-url");
    }
}
