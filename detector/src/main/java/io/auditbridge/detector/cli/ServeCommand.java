package io.auditbridge.detector.cli;

import io.auditbridge.core.cli.AuthenticationOptions;
import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.OptionNames;
import io.auditbridge.core.cli.ReceiverOptions;
import io.auditbridge.core.cli.LogOptions;
import io.auditbridge.core.cli.OpsOptions;
import io.auditbridge.core.cli.ProcessLifecycle;
import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.http.ResponseObserver;
import io.auditbridge.core.ops.OpsServer;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.runtime.DetectorRuntime;
import io.auditbridge.detector.webhook.K8sAuditWebhook;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code serve}: Falco's k8s_audit webhook on {@code /k8s_audit} and {@code /k8s-audit}, evaluated in-process. The
 * listener is the receivers' own ({@link ReceiverOptions}: {@code --listen-port}, {@code --auth-token-file},
 * {@code --tls-cert-file}, …, each an {@code AUDITBRIDGE_*} variable); the detector's earlier flag names stay
 * working as hidden aliases ({@link OldNames}). Like the OpenShift receiver it refuses to start without
 * credentials unless {@code --allow-unauthenticated}.
 */
@HelpGroup(HelpGroup.Section.RECEIVER)
@Command(name = "serve", mixinStandardHelpOptions = true, modelTransformer = ServeCommand.OldNames.class,
        description = "Serve the k8s_audit webhook (POST /k8s_audit or /k8s-audit) and evaluate each request before answering 200.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** Falco's webhookMaxBatchSize: the apiserver's default truncate size plus about 20 %. */
    public static final long MAX_BODY_BYTES = 12L * 1024 * 1024;
    /** The Sysdig agent's k8s_audit port, which API server webhook configurations already point at. */
    public static final int DEFAULT_PORT = 7765;
    static final List<String> PATHS = List.of("/k8s_audit", "/k8s-audit");
    private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(5);

    /**
     * The detector's flag names from before it used the shared receiver options, kept as hidden aliases (their
     * variables, e.g. {@code AUDITBRIDGE_TOKEN_FILE}, too), and its own defaults: port 7765 and Falco's 12 MiB body
     * limit, on the wire and decoded. {@code --max-body-bytes} used to bound both; it is now the wire limit, so a
     * value above 12 MiB also needs {@code --max-decoded-size} (start-up says so, naming that option).
     */
    public static final class OldNames implements CommandLine.IModelTransformer {
        /** Shared flag → the detector's old name for it. */
        public static final Map<String, String> ALIASES = new LinkedHashMap<>();

        static {
            ALIASES.put("--listen-host", "--host");
            ALIASES.put("--listen-port", "--port");
            ALIASES.put("--auth-token-file", "--token-file");
            ALIASES.put("--tls-cert-file", "--tls-cert");
            ALIASES.put("--tls-key-file", "--tls-key");
            ALIASES.put("--tls-client-ca-file", "--tls-client-ca");
            ALIASES.put("--max-body-size", "--max-body-bytes");
        }

        @Override
        public CommandSpec transform(CommandSpec spec) {
            ALIASES.forEach((shared, old) -> OptionNames.addAliases(spec, shared, old));
            OptionNames.adapt(spec, "--listen-port", b -> b.defaultValue(Integer.toString(DEFAULT_PORT)));
            OptionNames.adapt(spec, "--max-body-size", b -> b.defaultValue("12MiB"));
            OptionNames.adapt(spec, "--max-decoded-size", b -> b.defaultValue("12MiB"));
            return spec;
        }
    }

    @Mixin
    ReceiverOptions receiver;

    @Mixin
    AuthenticationOptions authentication;

    @Mixin
    DetectorOptions options;

    @Mixin
    OpsOptions ops;

    @Mixin
    LogOptions logOptions;

    /** A started webhook: its port, and close() to stop it. */
    public record Running(HttpReceiver receiver, OpsServer ops, DetectorRuntime runtime) implements ProcessLifecycle.Receiver {
        public int port() {
            return receiver.port();
        }

        /** Stops taking requests; those being evaluated are answered first. */
        @Override
        public void stop() {
            receiver.stop(STOP_GRACE);
        }

        @Override
        public void close() throws IOException {
            try (runtime; OpsServer o = ops; HttpReceiver r = receiver) {
                log.info("stopping");
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        return new ProcessLifecycle().serve(this::start, null);
    }

    /** Loads the rules, opens the alert output and starts listening (and the ops endpoint unless --metrics-port -1). */
    public Running start() throws Exception {
        HttpReceiverConfig config = config();
        authentication.requireCredentials(config);
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry, "detector");
        DetectorRuntime runtime = options.runtime(metrics, true);
        BatchEvaluator evaluator = runtime.evaluator();
        HttpReceiver receiver = null;
        try {
            receiver = this.receiver.listen(config, new K8sAuditWebhook(evaluator, metrics), new ResponseObserver() {
                @Override
                public void responded(String path, int status, java.time.Duration elapsed) {
                    metrics.counter("auditbridge.detector.requests", "Webhook requests by answer", "status", Integer.toString(status))
                            .increment();
                }

                @Override
                public void rejected(String path, String reason) {
                    metrics.counter(ResponseObserver.REJECTED_METRIC, "Webhook requests refused, by reason", "reason", reason)
                            .increment();
                }
            }).http();
            HttpReceiver serving = receiver;
            OpsServer opsServer = ops.port < 0 ? null : OpsServer.start(ops.host, ops.port, registry, serving::isAlive, serving::isAlive);
            log.info("k8s_audit webhook on {}://{}:{}/k8s_audit with {} rules; alerts → {}", config.tls() == null ? "http" : "https",
                    config.host(), receiver.port(), runtime.detector().selectedRules().size(), evaluator.describeOutput());
            return new Running(receiver, opsServer, runtime);
        } catch (Exception e) {
            if (receiver != null) {
                receiver.close();
            }
            runtime.close();
            throw e;
        }
    }

    /** The webhook's receiver config: both k8s_audit paths unless --path says otherwise, JSON bodies only. */
    HttpReceiverConfig config() {
        return receiver.toConfig(PATHS).withMediaTypes(List.of("application/json"));
    }
}
