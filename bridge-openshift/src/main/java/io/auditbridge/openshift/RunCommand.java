package io.auditbridge.openshift;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.Pipeline;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.ConfigException;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.ReceiverOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.http.HttpReceiverConfig;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code run}: the HTTP(S) receiver for a ClusterLogForwarder http output, delivering to {@code --sink}. It
 * answers 2xx only after the sink acknowledged a request's Events and 503 otherwise, so Vector's buffer keeps
 * everything not yet delivered; there is no position to checkpoint.
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Receive ClusterLogForwarder http output (JSON array, NDJSON, gzip/deflate) and deliver the audit Events.")
final class RunCommand implements Callable<Integer> {
    @Mixin
    ReceiverOptions receiver;

    @Mixin
    SinkOptions sink;

    @Mixin
    PipelineOptions pipelineOptions;

    @Mixin
    OpsOptions ops;

    @Mixin
    LogOptions logOptions;

    @Option(names = {"--cluster", "--cluster-name"}, paramLabel = "NAME",
            description = "Cluster name written to annotations.cluster_name (Falco ka.cluster.name) when the request names none; --cluster-name is the old name. Env: AUDITBRIDGE_CLUSTER.")
    String clusterName;

    @Option(names = "--cluster-name-header", paramLabel = "HEADER", defaultValue = OpenShiftReceiver.DEFAULT_CLUSTER_NAME_HEADER,
            description = "Request header naming the cluster (set it in the CLF output's http.headers); '' to ignore (default ${DEFAULT-VALUE}).")
    String clusterNameHeader;

    @Spec
    CommandSpec spec;

    /** What a test gets once the receiver listens: its port and a way to stop {@code run} as SIGTERM would. */
    record Started(int port, Runnable stop) {}

    /** Tests learn the bound port here; null in production. */
    Consumer<Started> onStarted;

    @HelpGroup(HelpGroup.Section.RECEIVER)
    @Option(names = "--allow-unauthenticated",
            description = "Accept requests without credentials (no --auth-* and no --tls-client-ca-file); for tests only.")
    boolean allowUnauthenticated;

    @Override
    public Integer call() throws Exception {
        HttpReceiverConfig config = receiver.toConfig(OpenShiftReceiver.DEFAULT_PATH).withBudgetBytes(pipelineOptions.maxInFlightBytes());
        boolean clientCertificates = config.tls() != null && config.tls().requiresClientCertificate();
        if (!config.hasCredentials() && !clientCertificates && !allowUnauthenticated) {
            throw new ConfigException("--auth-token-file", "required: anyone who can reach the port could inject audit "
                    + "Events (or use --auth-username-file/--auth-password-file, --tls-client-ca-file, --allow-unauthenticated)");
        }
        boundRetryDuration(config.requestTimeout());
        BridgeRuntime<ForwardedRecord> runtime = BridgeRuntime.create(OpenShiftTranslator.PROVIDER,
                new OpenShiftTranslator(), sink, null, pipelineOptions, ops, CheckpointStore.NONE,
                Pipeline.OnGiveUp.FAIL_SUBMISSION);
        try {
            runtime.pipeline().start();
            OpenShiftReceiver server;
            try {
                server = OpenShiftReceiver.start(config, runtime.pipeline(), clusterName,
                        clusterNameHeader == null || clusterNameHeader.isBlank() ? null : clusterNameHeader.strip());
            } catch (IOException e) {
                throw new ConfigException("--listen-port", "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
            }
            runtime.addLivenessCheck(server::isAlive);
            try {
                if (onStarted != null) {
                    onStarted.accept(new Started(server.port(), runtime::requestStop));
                }
                runtime.awaitShutdown();
            } finally {
                // Stop taking requests first; those still running are answered before the pipeline drains.
                server.stop(config.requestTimeout());
            }
        } finally {
            try {
                runtime.close();
            } finally {
                runtime.markStopped(); // lets a SIGTERM hook waiting in awaitShutdown end the JVM
            }
        }
        return 0;
    }

    /**
     * A receiver must answer before the collector's and its own timeout: without {@code --max-retry-duration}
     * a sink outage would hold every request until it times out. Default: two thirds of the request timeout.
     */
    private void boundRetryDuration(Duration requestTimeout) {
        OptionSpec option = spec.findOption("--max-retry-duration");
        Duration given = option.getValue();
        if (given == null) {
            option.setValue(Duration.ofMillis(Math.max(1, requestTimeout.toMillis() * 2 / 3)));
        } else if (given.compareTo(requestTimeout) >= 0) {
            throw new ConfigException("--max-retry-duration", "must be shorter than --request-timeout (" + requestTimeout
                    + ") so an undeliverable request is answered 503 rather than timing out");
        }
    }
}
