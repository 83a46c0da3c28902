package io.auditbridge.openshift;

import io.auditbridge.core.cli.AuthenticationOptions;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.ReceiverOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.http.HttpReceiverConfig;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

    /** What a test gets once the receiver listens: its port and a way to stop {@code run} as SIGTERM would. */
    record Started(int port, Runnable stop) {}

    /** Tests learn the bound port here; null in production. */
    Consumer<Started> onStarted;

    @Mixin
    AuthenticationOptions authentication;

    @Override
    public Integer call() throws Exception {
        HttpReceiverConfig config = receiver.toConfig(OpenShiftReceiver.DEFAULT_PATH).withBudgetBytes(pipelineOptions.maxInFlightBytes());
        authentication.requireCredentials(config);
        BridgeRuntime<ForwardedRecord> runtime = BridgeRuntime.builder(OpenShiftTranslator.PROVIDER, new OpenShiftTranslator())
                .sink(sink).pipeline(pipelineOptions).ops(ops)
                .push(receiver.pushBudget(pipelineOptions), config.retryAfter()).build();
        return runtime.runReceiver(push -> {
            ReceiverOptions.Listening listening = receiver.listen(OpenShiftReceiver.limited(config),
                    OpenShiftReceiver.handler(push, clusterName,
                            clusterNameHeader == null || clusterNameHeader.isBlank() ? null : clusterNameHeader.strip()),
                    OpenShiftReceiver.observer(runtime.metrics()));
            if (onStarted != null) {
                onStarted.accept(new Started(listening.port(), runtime::requestStop));
            }
            return listening;
        });
    }
}
