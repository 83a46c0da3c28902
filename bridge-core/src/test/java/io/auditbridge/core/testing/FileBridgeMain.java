package io.auditbridge.core.testing;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.BridgeRuntime;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.PipelineOptions;
import io.auditbridge.core.cli.SinkOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** A bridge whose source is an NDJSON file: the CLI the crash tests run as a subprocess and kill -9. */
@Command(name = "file-bridge", mixinStandardHelpOptions = true, subcommands = FileBridgeMain.Run.class)
public final class FileBridgeMain {
    public static void main(String[] args) {
        System.exit(BridgeCli.run(new FileBridgeMain(), args));
    }

    @Command(name = "run")
    static final class Run implements Callable<Integer> {
        @Option(names = "--input")
        Path input;

        /** Instead of --input: this many generated Events (a backfill from a fake source of any size). */
        @Option(names = "--generate")
        Long generate;

        @Mixin
        SinkOptions sink;

        @Mixin
        PipelineOptions pipeline;

        @picocli.CommandLine.Option(names = "--checkpoint-file", defaultValue = "auditbridge-checkpoint.json")
        java.nio.file.Path checkpointFile;

        @Mixin
        OpsOptions ops;

        @Mixin
        LogOptions log;

        @Override
        public Integer call() throws Exception {
            BridgeRuntime<byte[]> runtime = BridgeRuntime.builder("file", new K8sEventTranslator(null, Map.of()))
                    .sink(sink).pipeline(pipeline).ops(ops).checkpoints(new io.auditbridge.core.checkpoint.FileCheckpointStore(checkpointFile)).build();
            return runtime.runPolling(generate != null ? new GeneratedEventSource(generate, 500) : new NdjsonFileSource(input, 50),
                    Duration.ofMillis(100), Duration.ofMinutes(5));
        }
    }
}
