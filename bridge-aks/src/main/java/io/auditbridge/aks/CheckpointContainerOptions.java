package io.auditbridge.aks;

import io.auditbridge.core.cli.AlsoReadsEnv;
import io.auditbridge.core.cli.HelpGroup;
import com.azure.messaging.eventhubs.checkpointstore.blob.BlobCheckpointStore;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import io.auditbridge.core.cli.ConfigException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Function;
import picocli.CommandLine.Option;

/**
 * The Blob container holding the processor's checkpoints and partition ownership: a container URL with
 * DefaultAzureCredential (role Storage Blob Data Contributor on the container), or a storage connection
 * string from a file or {@value #CONNECTION_STRING_ENV} plus the container name.
 */
@HelpGroup(HelpGroup.Section.CHECKPOINTS)
@AlsoReadsEnv(CheckpointContainerOptions.CONNECTION_STRING_ENV)
final class CheckpointContainerOptions {
    static final String CONNECTION_STRING_ENV = "AUDITBRIDGE_STORAGE_CONNECTION_STRING";

    @Option(names = "--checkpoint-container-url", paramLabel = "URL",
            description = "Blob container for checkpoints, e.g. https://auditbridgeckpt.blob.core.windows.net/aks-checkpoints (with DefaultAzureCredential).")
    String containerUrl;

    @Option(names = "--checkpoint-container", paramLabel = "NAME", defaultValue = "aks-checkpoints",
            description = "Container name when a storage connection string is used (default ${DEFAULT-VALUE}).")
    String containerName;

    @Option(names = "--storage-connection-string-file", paramLabel = "FILE",
            description = "File holding the storage account connection string; else " + CONNECTION_STRING_ENV
                    + "; else DefaultAzureCredential on --checkpoint-container-url.")
    Path connectionStringFile;

    BlobContainerAsyncClient container(Function<String, String> env) {
        String cs = connectionStringFile != null
                ? EventHubsOptions.readSecret(connectionStringFile, "--storage-connection-string-file")
                : EventHubsOptions.blankToNull(env.apply(CONNECTION_STRING_ENV));
        if (cs != null) {
            return new BlobContainerClientBuilder().connectionString(cs).containerName(containerName).buildAsyncClient();
        }
        if (containerUrl == null || containerUrl.isBlank()) {
            throw new ConfigException("--checkpoint-container-url",
                    "required unless a storage connection string is given (--storage-connection-string-file or " + CONNECTION_STRING_ENV + ")");
        }
        return new BlobContainerClientBuilder().endpoint(containerUrl.trim()).credential(EventHubsOptions.credential()).buildAsyncClient();
    }

    /** The checkpoint store on an existing container; a missing or unreachable container is a config error. */
    BlobCheckpointStore store(Function<String, String> env, Duration timeout) {
        BlobContainerAsyncClient c = container(env);
        String option = containerUrl != null ? "--checkpoint-container-url" : "--checkpoint-container";
        Boolean exists;
        try {
            exists = c.exists().block(timeout);
        } catch (RuntimeException e) {
            throw new ConfigException(option, "cannot reach container " + c.getBlobContainerName() + " at " + c.getAccountUrl()
                    + ": " + e.getClass().getSimpleName());
        }
        if (!Boolean.TRUE.equals(exists)) {
            throw new ConfigException(option, "container " + c.getBlobContainerName() + " does not exist at " + c.getAccountUrl()
                    + "; create it (az storage container create)");
        }
        return new BlobCheckpointStore(c);
    }
}
