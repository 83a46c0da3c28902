package io.auditbridge.gke;

import io.auditbridge.core.cli.HelpGroup;
import com.google.api.gax.core.FixedCredentialsProvider;
import com.google.api.gax.core.NoCredentialsProvider;
import com.google.api.gax.grpc.InstantiatingGrpcChannelProvider;
import com.google.auth.oauth2.GoogleCredentials;
import com.google.cloud.logging.v2.LoggingClient;
import com.google.cloud.logging.v2.LoggingSettings;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.Durations;
import io.grpc.ManagedChannelBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Which project and clusters to read, how, and with which identity: shared by {@code run} and {@code backfill}. */
@HelpGroup(HelpGroup.Section.SOURCE)
final class CloudLoggingOptions {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(CloudLoggingOptions.class);

    @Option(names = "--project", paramLabel = "ID",
            description = "GCP project whose Cloud Logging holds the audit entries; default: the metadata server's. Env: AUDITBRIDGE_PROJECT.")
    String project;

    @Option(names = "--cluster", paramLabel = "NAME", split = ",",
            description = "Only these clusters (resource.labels.cluster_name); default: the cluster the metadata server names, "
                    + "else (or with --all-clusters) every cluster of the project. Env: AUDITBRIDGE_CLUSTER.")
    List<String> clusters = new ArrayList<>();

    @Option(names = "--location", paramLabel = "LOCATION", split = ",",
            description = "Only clusters in these locations (resource.labels.location). Env: AUDITBRIDGE_LOCATION.")
    List<String> locations = new ArrayList<>();

    @Option(names = "--all-clusters",
            description = "Read every cluster of the project even when running inside one (without --cluster the bridge "
                    + "otherwise reads only the cluster the metadata server names). Env: AUDITBRIDGE_ALL_CLUSTERS.")
    boolean allClusters;

    @Option(names = "--data-access",
            description = "Also read the data_access log (get/list/watch; must be enabled for the project, billed). Env: AUDITBRIDGE_DATA_ACCESS.")
    boolean dataAccess;

    @Option(names = "--extra-filter", paramLabel = "FILTER",
            description = "Clause ANDed to the filter, e.g. NOT protoPayload.methodName=\"io.k8s.coordination.v1.leases.update\".")
    String extraFilter;

    @Option(names = "--page-size", paramLabel = "N", defaultValue = "1000",
            description = "Entries per entries.list request, 1..1000 (default ${DEFAULT-VALUE}).")
    int pageSize;

    @Option(names = "--reads-per-minute", paramLabel = "N", defaultValue = "60",
            description = "Client-side budget of entries.list requests per minute; the project quota is shared by all readers (default ${DEFAULT-VALUE}).")
    int readsPerMinute;

    @Option(names = "--credentials-file", paramLabel = "FILE",
            description = "Service-account key file; default: Application Default Credentials (Workload Identity). Env: AUDITBRIDGE_CREDENTIALS_FILE.")
    Path credentialsFile;

    @Option(names = "--logging-endpoint", paramLabel = "HOST:PORT", hidden = true,
            description = "Cloud Logging gRPC endpoint (default logging.googleapis.com:443).")
    String endpoint;

    @Option(names = "--logging-plaintext", hidden = true,
            description = "Plaintext gRPC without credentials, for a local Cloud Logging fake.")
    boolean plaintext;

    @Option(names = {"--api-call-timeout", "--request-timeout"}, paramLabel = "DURATION", defaultValue = "20s", converter = Durations.class,
            description = "Timeout of one entries.list request; keep it below the pod's termination grace period (default ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    /** The filter, asking the metadata server for what the flags left out. */
    AuditLogFilter filter(GceMetadata metadata) {
        String p = project;
        if (p == null || p.isBlank()) {
            p = metadata.projectId();
            if (p == null) {
                throw new ConfigException("--project", "required outside GCP (no metadata server answered)");
            }
        }
        List<String> cl = clusters;
        if (cl.isEmpty() && !allClusters) {
            String c = metadata.clusterName();
            cl = c == null ? List.of() : List.of(c);
            log.info("no --cluster: reading {}", c == null ? "every cluster of the project (not running on GKE)" : "cluster " + c + " (from the metadata server)");
        }
        if (pageSize < 1 || pageSize > 1000) {
            throw new ConfigException("--page-size", "must be 1..1000: " + pageSize);
        }
        if (readsPerMinute < 1) {
            throw new ConfigException("--reads-per-minute", "must be >= 1: " + readsPerMinute);
        }
        return new AuditLogFilter(p.trim(), dataAccess, cl, locations, extraFilter);
    }

    /**
     * The gapic client. Its own retries are off: the source backs off itself, within the read budget, and
     * counts what the quota refused.
     */
    LoggingClient client() {
        LoggingSettings.Builder b = LoggingSettings.newBuilder();
        if (endpoint != null && !endpoint.isBlank()) {
            InstantiatingGrpcChannelProvider.Builder channel = LoggingSettings.defaultGrpcTransportProviderBuilder()
                    .setEndpoint(endpoint.trim());
            if (plaintext) {
                channel.setChannelConfigurator(ManagedChannelBuilder::usePlaintext);
            }
            b.setTransportChannelProvider(channel.build());
        }
        if (plaintext) {
            b.setCredentialsProvider(NoCredentialsProvider.create());
        } else if (credentialsFile != null) {
            try (InputStream in = Files.newInputStream(credentialsFile)) {
                b.setCredentialsProvider(FixedCredentialsProvider.create(
                        GoogleCredentials.fromStream(in).createScoped(LoggingSettings.getDefaultServiceScopes())));
            } catch (IOException e) {
                throw new ConfigException("--credentials-file", "cannot read a service-account key from " + credentialsFile);
            }
        }
        b.listLogEntriesSettings()
                .setRetryableCodes()
                .setRetrySettings(b.listLogEntriesSettings().getRetrySettings().toBuilder()
                        .setMaxAttempts(1)
                        .setInitialRpcTimeoutDuration(requestTimeout)
                        .setMaxRpcTimeoutDuration(requestTimeout)
                        .setTotalTimeoutDuration(requestTimeout)
                        .build());
        try {
            return LoggingClient.create(b.build());
        } catch (IOException e) {
            throw new ConfigException("--credentials-file", "no usable Google credentials: " + e.getMessage());
        }
    }

    /**
     * Polls into {@code runtime} until the source is exhausted or the process stops: the source gets this
     * client and the runtime's metrics; the runtime is closed when the source cannot even be built.
     */
    int poll(BridgeRuntime<LogEntry> runtime, LogEntryTranslator translator, AuditLogFilter filter,
             CloudLoggingSource.Settings settings, Clock clock, Duration drainTimeout) throws Exception {
        CloudLoggingSource source;
        try {
            GkeMetrics.register(runtime.metrics(), translator);
            source = new CloudLoggingSource(client(), filter, settings, clock, runtime.metrics());
        } catch (RuntimeException e) {
            runtime.close();
            throw e;
        }
        return runtime.runPolling(source, settings.pollInterval(), drainTimeout);
    }
}
