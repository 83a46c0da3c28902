package io.auditbridge.gke;

import io.auditbridge.core.cli.BridgeCli;
import io.auditbridge.core.cli.BridgeRuntime;
import io.grpc.ClientInterceptor;
import java.util.List;
import java.util.function.Consumer;

/** Lets the pubsub tests (another package) run {@code run} with their interceptor and see its runtime. */
public final class PubsubTestAccess {
    private PubsubTestAccess() {}

    /** Runs {@code run ARGS} (without the word run) with {@code interceptor} on the subscriber's channel. */
    public static int run(String[] args, ClientInterceptor interceptor) {
        return run(args, interceptor, r -> {});
    }

    public static int run(String[] args, ClientInterceptor interceptor, Consumer<BridgeRuntime<byte[]>> started) {
        GkeRunCommand cmd = new GkeRunCommand();
        cmd.pubsub = new PubsubOptions();
        cmd.pubsub.interceptors = List.of(interceptor);
        cmd.pubsub.started = started;
        return BridgeCli.run(cmd, args);
    }
}
