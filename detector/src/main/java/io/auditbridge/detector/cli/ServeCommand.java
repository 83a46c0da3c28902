package io.auditbridge.detector.cli;

import io.auditbridge.core.cli.HelpGroup;
import io.auditbridge.core.cli.ConfigException;
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
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code serve}: Falco's k8s_audit webhook on {@code /k8s_audit} and {@code /k8s-audit}, evaluated in-process. */
@HelpGroup(HelpGroup.Section.RECEIVER)
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve the k8s_audit webhook (POST /k8s_audit or /k8s-audit) and evaluate each request before answering 200.")
public final class ServeCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** Falco's webhookMaxBatchSize: the apiserver's default truncate size plus about 20 %. */
    public static final long MAX_BODY_BYTES = 12L * 1024 * 1024;
    private static final java.time.Duration STOP_GRACE = java.time.Duration.ofSeconds(5);

    @Option(names = "--host", defaultValue = "0.0.0.0", description = "Address to bind (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "7765", description = "Port (default ${DEFAULT-VALUE}, the Sysdig agent's k8s_audit port).")
    int port;

    @Option(names = "--token-file", paramLabel = "FILE", description = "Require 'Authorization: Bearer <token>' with the token in FILE (re-read on change). Env: AUDITBRIDGE_TOKEN_FILE.")
    Path tokenFile;

    @Option(names = "--tls-cert", paramLabel = "PEM", description = "Serve HTTPS with this certificate chain. Env: AUDITBRIDGE_TLS_CERT.")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "PEM", description = "PKCS#8 private key for --tls-cert. Env: AUDITBRIDGE_TLS_KEY.")
    Path tlsKey;

    @Option(names = "--tls-client-ca", paramLabel = "PEM", description = "Require client certificates signed by this CA (mTLS).")
    Path tlsClientCa;

    @Option(names = "--max-body-bytes", defaultValue = "12582912", description = "Largest body, before and after gzip (default ${DEFAULT-VALUE} = 12 MiB); larger → 413.")
    long maxBodyBytes;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = io.auditbridge.core.cli.Durations.class,
            description = "Time to read and evaluate one request; after it the answer is 503 with Retry-After (default ${DEFAULT-VALUE}).")
    java.time.Duration requestTimeout;

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
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        PipelineMetrics metrics = new PipelineMetrics(registry, "detector");
        HttpReceiverConfig config = config();
        DetectorRuntime runtime = options.runtime(metrics, true);
        BatchEvaluator evaluator = runtime.evaluator();
        HttpReceiver receiver = null;
        try {
            receiver = HttpReceiver.start(config, new K8sAuditWebhook(evaluator, metrics), new ResponseObserver() {
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
            });
            HttpReceiver serving = receiver;
            OpsServer opsServer = ops.port < 0 ? null : OpsServer.start(ops.host, ops.port, registry, serving::isAlive, serving::isAlive);
            log.info("k8s_audit webhook on {}://{}:{}/k8s_audit with {} rules; alerts → {}", config.tls() == null ? "http" : "https",
                    host, receiver.port(), runtime.detector().selectedRules().size(), evaluator.describeOutput());
            return new Running(receiver, opsServer, runtime);
        } catch (Exception e) {
            if (receiver != null) {
                receiver.close();
            }
            runtime.close();
            throw e;
        }
    }

    HttpReceiverConfig config() {
        try {
            HttpReceiverConfig.Builder b = HttpReceiverConfig.builder().host(host).port(port)
                    .path("/k8s_audit").path("/k8s-audit")
                    .maxBodyBytes(maxBodyBytes).maxDecodedBytes(maxBodyBytes).mediaType("application/json")
                    .requestTimeout(requestTimeout);
            if (tokenFile != null) {
                b.bearerTokenFile(tokenFile);
            }
            if (tlsCert != null || tlsKey != null) {
                b.tls(tlsCert, tlsKey, tlsClientCa);
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            String option = e.getMessage().startsWith("tls") ? "--tls-cert" : e.getMessage().startsWith("bearer") ? "--token-file"
                    : e.getMessage().startsWith("port") ? "--port" : e.getMessage().startsWith("max") ? "--max-body-bytes"
                    : e.getMessage().startsWith("request timeout") ? "--request-timeout" : "--host";
            throw new ConfigException(option, e.getMessage());
        }
    }
}
