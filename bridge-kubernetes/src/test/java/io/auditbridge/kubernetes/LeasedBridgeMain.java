package io.auditbridge.kubernetes;

import io.auditbridge.core.testing.K8sEventTranslator;
import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import io.auditbridge.core.testing.GeneratedEventSource;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * A polling bridge as a Deployment replica runs one, for the subprocess tests: the real CLI options
 * ({@link CheckpointOptions} with {@code --leader-election}), the real Kubernetes client built from the
 * environment ({@code kubernetes.master} pointing at the test's mock API server), a real {@link BridgeRuntime};
 * only the source is generated ({@code --generate N} audit Events).
 */
@Command(name = "leased-bridge", mixinStandardHelpOptions = true, subcommands = LeasedBridgeMain.Run.class)
public final class LeasedBridgeMain {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new LeasedBridgeMain(), args));
    }

    @Command(name = "run")
    static final class Run implements Callable<Integer> {
        @Option(names = "--generate", required = true)
        long generate;

        @Mixin
        SinkOptions sink;

        @Mixin
        PipelineOptions pipeline;

        @Mixin
        CheckpointOptions checkpoint;

        @Mixin
        OpsOptions ops;

        @Mixin
        LogOptions log;

        @Override
        public Integer call() throws Exception {
            BridgeRuntime<byte[]> runtime = BridgeRuntime.builder("generated", new K8sEventTranslator(null, Map.of()))
                    .sink(sink).pipeline(pipeline).ops(ops).checkpoints(checkpoint.store()).build();
            return runtime.runPolling(new GeneratedEventSource(generate, 10), Duration.ofMillis(20), Duration.ofMinutes(5));
        }
    }
}
