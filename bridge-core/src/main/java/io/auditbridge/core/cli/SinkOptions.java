package io.auditbridge.core.cli;

import io.auditbridge.core.Sink;
import io.auditbridge.core.SinkProvider;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.core.sink.ConsoleSink;
import io.auditbridge.core.sink.WebhookSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;
import picocli.CommandLine.Option;

/** Where Events go: {@code --sink URL | console | embedded}, with the webhook's token, TLS and timeouts. */
@HelpGroup(HelpGroup.Section.SINK)
public final class SinkOptions {
    @Option(names = "--sink", paramLabel = "URL|console|embedded",
            description = "Webhook URL (Falco k8saudit, Sysdig agent :7765/k8s_audit, detector serve), "
                    + "'console' (NDJSON on stdout) or 'embedded' (evaluate with the built-in detector). Env: AUDITBRIDGE_SINK.")
    String sink;

    @Option(names = "--sink-token-file", paramLabel = "FILE",
            description = "File holding the webhook's bearer token; re-read when it changes. Env: AUDITBRIDGE_SINK_TOKEN_FILE.")
    Path tokenFile;

    @Option(names = "--sink-token", paramLabel = "TOKEN", hidden = true,
            description = "Bearer token; prefer --sink-token-file or the AUDITBRIDGE_SINK_TOKEN variable (kept out of ps).")
    String token;

    @Option(names = "--sink-ca-file", paramLabel = "PEM", description = "Extra CA certificates to trust for the webhook. Env: AUDITBRIDGE_SINK_CA_FILE.")
    Path caFile;

    @Option(names = {"--sink-client-cert-file", "--sink-client-cert"}, paramLabel = "PEM",
            description = "Client certificate followed by its PKCS#8 key (PEM), for mutual TLS.")
    Path clientCert;

    @Option(names = "--sink-gzip", description = "gzip request bodies (level 1). Env: AUDITBRIDGE_SINK_GZIP.")
    boolean gzip;

    @Option(names = "--sink-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "Per-request timeout (default ${DEFAULT-VALUE}). Env: AUDITBRIDGE_SINK_TIMEOUT.")
    Duration timeout;

    @Option(names = "--sink-connect-timeout", paramLabel = "DURATION", defaultValue = "10s", converter = Durations.class,
            description = "Connect timeout (default ${DEFAULT-VALUE}).")
    Duration connectTimeout;

    // 4: on a loopback or in-cluster webhook one request at a time waits for each answer (issue 15's profile).
    @Option(names = "--sink-concurrency", paramLabel = "N", defaultValue = "4",
            description = "Webhook batches on their way at once, 1..64 (default ${DEFAULT-VALUE}); 1 sends one at a time, in "
                    + "order. Env: AUDITBRIDGE_SINK_CONCURRENCY.")
    int concurrency = 4;

    @Option(names = "--sink-option", paramLabel = "KEY=VALUE", split = ",",
            description = "Settings for a named sink, e.g. rules=/etc/rules.yaml for 'embedded'. Env: AUDITBRIDGE_SINK_OPTION (comma-separated).")
    Map<String, String> sinkOptions = new LinkedHashMap<>();

    /** The sink chosen; {@code fallback} when {@code --sink} was not given (console for translate). */
    public Sink create(String fallback, PipelineMetrics metrics) {
        String choice = sink == null || sink.isBlank() ? fallback : sink.trim();
        if (choice == null) {
            throw new ConfigException("--sink", "required: a webhook URL, 'console' or 'embedded'");
        }
        if (choice.equals("console")) {
            return new ConsoleSink(System.out);
        }
        if (choice.startsWith("http://") || choice.startsWith("https://")) {
            return webhook(choice);
        }
        for (SinkProvider p : ServiceLoader.load(SinkProvider.class)) {
            if (p.name().equals(choice)) {
                try {
                    return p.create(Map.copyOf(sinkOptions), metrics);
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("--sink-option", e.getMessage());
                } catch (Exception e) {
                    throw new ConfigException("--sink " + choice, e.toString());
                }
            }
        }
        throw new ConfigException("--sink", "must be an http(s) URL, 'console' or 'embedded' (not available in this build): " + abbreviate(choice));
    }

    /** Whether --sink is the embedded detector (the summary then counts its alerts). */
    public boolean isEmbedded() {
        return sink != null && sink.strip().equals("embedded");
    }

    /** Whether --sink names a webhook (the token, TLS and gzip options apply). */
    public boolean isWebhook() {
        return sink != null && (sink.startsWith("http://") || sink.startsWith("https://"));
    }

    private Sink webhook(String url) {
        WebhookSink.Builder b;
        try {
            b = WebhookSink.builder(url);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--sink", "not a valid URL");
        }
        if (tokenFile != null) {
            if (!Files.isReadable(tokenFile)) {
                throw new ConfigException("--sink-token-file", "cannot read " + tokenFile);
            }
            b.bearerToken(new TokenFile(tokenFile));
        } else if (token != null) {
            String t = token.trim();
            b.bearerToken(() -> t);
        }
        b.gzip(gzip).requestTimeout(timeout).connectTimeout(connectTimeout);
        try {
            b.maxConcurrentRequests(concurrency);
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--sink-concurrency", e.getMessage());
        }
        if (caFile != null) {
            b.caCertificatesPem(read("--sink-ca-file", caFile));
        }
        if (clientCert != null) {
            b.clientCertificatePem(read("--sink-client-cert-file", clientCert));
        }
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(caFile != null ? "--sink-ca-file" : "--sink-client-cert-file", e.getMessage());
        }
    }

    private static String read(String option, Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new ConfigException(option, "cannot read " + p);
        }
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "…" : s;
    }
}
