package io.auditbridge.core.cli;

import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.http.RequestHandler;
import io.auditbridge.core.http.ResponseObserver;
import io.auditbridge.core.push.PushBudget;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The listening side of a push command ({@code run} of a receiver bridge, the detector's {@code serve}):
 * address, paths, TLS/mTLS, credentials from Secret-mounted files and the request limits. Each option is also
 * an {@code AUDITBRIDGE_*} variable ({@code --listen-port} ← {@code AUDITBRIDGE_LISTEN_PORT}).
 */
@HelpGroup(HelpGroup.Section.RECEIVER)
public final class ReceiverOptions {
    @Option(names = "--listen-host", paramLabel = "HOST", defaultValue = "0.0.0.0",
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--listen-port", paramLabel = "PORT", defaultValue = "8443",
            description = "Port to listen on; 0 picks a free one (default ${DEFAULT-VALUE}).")
    int port;

    @Option(names = "--path", paramLabel = "PATH", split = ",",
            description = "Request path(s) to accept; repeatable or comma-separated (default: the command's own).")
    List<String> paths = new ArrayList<>();

    @Option(names = "--tls-cert-file", paramLabel = "PEM",
            description = "Server certificate chain (PEM, leaf first), e.g. a TLS Secret's tls.crt. Without it: plain HTTP.")
    Path tlsCert;

    @Option(names = "--tls-key-file", paramLabel = "PEM", description = "Server private key, PKCS#8 PEM ('BEGIN PRIVATE KEY').")
    Path tlsKey;

    @Option(names = "--tls-client-ca-file", paramLabel = "PEM",
            description = "CA bundle (PEM); when set, clients must present a certificate it signed (mutual TLS).")
    Path tlsClientCa;

    @Option(names = "--auth-token-file", paramLabel = "FILE",
            description = "File holding the bearer token clients must send; re-read when it changes.")
    Path tokenFile;

    @Option(names = "--auth-username-file", paramLabel = "FILE", description = "File holding the basic-auth user name clients must send.")
    Path usernameFile;

    @Option(names = "--auth-password-file", paramLabel = "FILE", description = "File holding the basic-auth password clients must send.")
    Path passwordFile;

    @Option(names = "--max-body-size", paramLabel = "SIZE", defaultValue = "10MiB", converter = Sizes.class,
            description = "Largest request body on the wire; larger gets 413 (default ${DEFAULT-VALUE}).")
    long maxBody;

    @Option(names = "--max-decoded-size", paramLabel = "SIZE", defaultValue = "16MiB", converter = Sizes.class,
            description = "Largest body after gzip/deflate is undone; larger gets 413 (default ${DEFAULT-VALUE}).")
    long maxDecoded;

    @Option(names = "--max-concurrent-requests", paramLabel = "N", defaultValue = "64",
            description = "Requests handled at once; more get 503 with Retry-After (default ${DEFAULT-VALUE}).")
    int maxConcurrent;

    @Option(names = "--request-timeout", paramLabel = "DURATION", defaultValue = "30s", converter = Durations.class,
            description = "Time to read and handle one request; after it the answer is 503 (default ${DEFAULT-VALUE}).")
    Duration requestTimeout;

    @Option(names = "--retry-after", paramLabel = "DURATION", defaultValue = "5s", converter = Durations.class,
            description = "Retry-After sent with 503 answers (default ${DEFAULT-VALUE}).")
    Duration retryAfter;

    public Duration requestTimeout() {
        return requestTimeout;
    }

    /**
     * The push budget of a receiver: its deadline is {@code --request-timeout}; {@code --max-retry-duration}, when
     * given, must be shorter than it.
     */
    public PushBudget pushBudget(PipelineOptions pipeline) {
        try {
            return PushBudget.forDeadline(requestTimeout, pipeline.maxRetryDuration());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(pipeline.maxRetryDuration() == null ? "--request-timeout" : "--max-retry-duration",
                    e.getMessage() + " (--request-timeout)");
        }
    }

    /**
     * Starts listening with {@code handler}; stopping lets requests in flight finish for up to the request
     * timeout. A port that cannot be bound is a ConfigException naming {@code --listen-port}.
     *
     * @param observer told of every answer (a metric), or null
     */
    public Listening listen(HttpReceiverConfig config, RequestHandler handler, ResponseObserver observer) {
        try {
            HttpReceiver http = observer == null ? HttpReceiver.start(config, handler) : HttpReceiver.start(config, handler, observer);
            return new Listening(http, config.requestTimeout());
        } catch (IOException e) {
            throw new ConfigException("--listen-port", "cannot listen on " + config.host() + ":" + config.port() + ": " + e.getMessage());
        }
    }

    /** A listening receiver as the process lifecycle stops it. */
    public record Listening(HttpReceiver http, Duration grace) implements ProcessLifecycle.Receiver {
        public int port() {
            return http.port();
        }

        @Override
        public void stop() {
            http.stop(grace);
        }

        @Override
        public boolean isAlive() {
            return http.isAlive();
        }
    }

    /** The receiver config; {@code defaultPath} serves when no {@code --path} was given. Bad values throw ConfigException. */
    public HttpReceiverConfig toConfig(String defaultPath) {
        return toConfig(List.of(defaultPath));
    }

    /** The receiver config; {@code defaultPaths} serve when no {@code --path} was given. Bad values throw ConfigException. */
    public HttpReceiverConfig toConfig(List<String> defaultPaths) {
        HttpReceiverConfig.Builder b = HttpReceiverConfig.builder();
        apply("--listen-host", () -> b.host(host));
        apply("--listen-port", () -> b.port(port));
        apply("--path", () -> b.paths(paths.isEmpty() ? defaultPaths : paths));
        if (tlsCert != null || tlsKey != null || tlsClientCa != null) {
            if (tlsCert == null) {
                throw new ConfigException("--tls-cert-file", "required with --tls-key-file or --tls-client-ca-file");
            }
            if (tlsKey == null) {
                throw new ConfigException("--tls-key-file", "required with --tls-cert-file");
            }
            apply("--tls-cert-file", () -> b.tls(tlsCert, tlsKey, tlsClientCa));
        }
        if (tokenFile != null) {
            apply("--auth-token-file", () -> b.bearerTokenFile(tokenFile));
        }
        if ((usernameFile == null) != (passwordFile == null)) {
            throw new ConfigException(usernameFile == null ? "--auth-username-file" : "--auth-password-file",
                    "basic auth needs both --auth-username-file and --auth-password-file");
        }
        if (usernameFile != null) {
            apply("--auth-username-file", () -> b.basicAuthFiles(usernameFile, passwordFile));
        }
        apply("--max-body-size", () -> b.maxBodyBytes(maxBody));
        apply("--max-decoded-size", () -> b.maxDecodedBytes(maxDecoded));
        apply("--max-concurrent-requests", () -> b.maxConcurrent(maxConcurrent));
        apply("--request-timeout", () -> b.requestTimeout(requestTimeout));
        apply("--retry-after", () -> b.retryAfter(retryAfter));
        try {
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage().startsWith("max decoded") ? "--max-decoded-size" : "--path", e.getMessage());
        }
    }

    private static void apply(String option, Runnable setter) {
        try {
            setter.run();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(option, e.getMessage());
        }
    }
}
