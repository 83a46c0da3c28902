package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.auditbridge.aks.AzuriteExtension.Azurite;
import io.auditbridge.core.cli.ConfigException;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import picocli.CommandLine;

@ExtendWith(AzuriteExtension.class)
class CheckpointContainerOptionsTest {
    private static CheckpointContainerOptions parse(String... args) {
        CheckpointContainerOptions o = new CheckpointContainerOptions();
        new CommandLine(o).parseArgs(args);
        return o;
    }

    @Test
    void theCheckpointContainerMustExistAndIsOpenedFromAStorageConnectionString(Azurite azurite) throws Exception {
        String name = "ckpt-" + UUID.randomUUID();
        Map<String, String> env = Map.of(CheckpointContainerOptions.CONNECTION_STRING_ENV, azurite.connectionString());
        CheckpointContainerOptions o = parse("--checkpoint-container", name);

        assertThatThrownBy(() -> o.store(env::get, Duration.ofSeconds(30))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("--checkpoint-container").hasMessageContaining("does not exist")
                .hasMessageNotContaining("AccountKey");

        o.container(env::get).create().block(Duration.ofSeconds(30));
        assertThat(o.store(env::get, Duration.ofSeconds(30)).listCheckpoints("ns", "hub", "auditbridge").collectList()
                .block(Duration.ofSeconds(30))).isEmpty();
    }

}
