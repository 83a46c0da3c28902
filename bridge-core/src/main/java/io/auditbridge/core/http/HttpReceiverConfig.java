package io.auditbridge.core.http;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything an {@link HttpReceiver} needs, validated when built. Every setter of the {@link Builder} rejects a
 * bad value with an {@link IllegalArgumentException} whose message names the setting.
 *
 * @param host               address to bind ({@code 0.0.0.0} for all)
 * @param port               port to bind; 0 picks a free one ({@link HttpReceiver#port()} tells which)
 * @param paths              exact request paths served; anything else is 404
 * @param tls                server certificate and optional client-certificate requirement; null = plain HTTP
 * @param bearerTokenFile    file holding the accepted bearer token (a mounted Secret key); null = none
 * @param basicUsernameFile  file holding the accepted basic-auth user name; set together with the password file
 * @param basicPasswordFile  file holding the accepted basic-auth password
 * @param maxBodyBytes       limit on the bytes on the wire (413 beyond)
 * @param maxDecodedBytes    limit on the body after gzip/deflate is undone (413 beyond; a gzip bomb stops here)
 * @param maxConcurrent      requests handled at once; one more is answered 503 with {@code Retry-After}
 * @param requestTimeout     time for reading the body and handling it; after it the answer is 503
 * @param retryAfter         what {@code Retry-After} says on 503 answers
 * @param maxRecordsPerRequest records (or log events) one request may hold; more is answered 413
 * @param budgetBytes        memory all requests may hold at once: bodies, decoded bodies and parsed JSON
 *                           ({@link RequestBudget}); sized like the pipeline's in-flight byte bound
 * @param mediaTypes         accepted {@code Content-Type} media types (lower case); empty = any. A request
 *                           without Content-Type is accepted; one with another type is answered 415
 */
public record HttpReceiverConfig(String host, int port, List<String> paths, Tls tls, Path bearerTokenFile,
                                 Path basicUsernameFile, Path basicPasswordFile, long maxBodyBytes,
                                 long maxDecodedBytes, int maxConcurrent, Duration requestTimeout,
                                 Duration retryAfter, int maxRecordsPerRequest, long budgetBytes,
                                 List<String> mediaTypes) {

    public static final long DEFAULT_MAX_BODY_BYTES = 10L * 1024 * 1024;
    public static final long DEFAULT_MAX_DECODED_BYTES = 16L * 1024 * 1024;
    /** The pipeline's default in-flight byte bound: request memory is bounded the same. */
    public static final long DEFAULT_BUDGET_BYTES = 64L * 1024 * 1024;
    public static final int DEFAULT_MAX_RECORDS_PER_REQUEST = 100_000;
    /** Arrays in Java are indexed by int; a decoded body is held in one array. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    /**
     * Server TLS from PEM files.
     *
     * @param certificateFile PEM certificate chain, leaf first (a Kubernetes TLS Secret's {@code tls.crt})
     * @param keyFile         PEM PKCS#8 private key ({@code -----BEGIN PRIVATE KEY-----}), RSA or EC
     * @param clientCaFile    PEM CA bundle; when set, every client must present a certificate it signed (mTLS)
     */
    public record Tls(Path certificateFile, Path keyFile, Path clientCaFile) {
        public Tls {
            requireReadable("tls certificate file", certificateFile);
            requireReadable("tls key file", keyFile);
            if (clientCaFile != null) {
                requireReadable("tls client CA file", clientCaFile);
            }
        }

        public boolean requiresClientCertificate() {
            return clientCaFile != null;
        }
    }

    public HttpReceiverConfig {
        paths = List.copyOf(paths);
        mediaTypes = List.copyOf(mediaTypes);
    }

    /** The same config with the request memory budget set (a command sets it to its pipeline's in-flight byte bound). */
    public HttpReceiverConfig withBudgetBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("request memory budget: must be >= 1 byte, got " + bytes);
        }
        return new HttpReceiverConfig(host, port, paths, tls, bearerTokenFile, basicUsernameFile, basicPasswordFile,
                maxBodyBytes, maxDecodedBytes, maxConcurrent, requestTimeout, retryAfter, maxRecordsPerRequest, bytes, mediaTypes);
    }

    /** The same config accepting only these {@code Content-Type} media types (lower case, no parameters). */
    public HttpReceiverConfig withMediaTypes(List<String> types) {
        return new HttpReceiverConfig(host, port, paths, tls, bearerTokenFile, basicUsernameFile, basicPasswordFile,
                maxBodyBytes, maxDecodedBytes, maxConcurrent, requestTimeout, retryAfter, maxRecordsPerRequest, budgetBytes, types);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** JSON bodies must be UTF-8 (RFC 8259): every receiver here takes JSON, so the decoded body is checked. */
    public boolean requireUtf8() {
        return true;
    }

    public boolean hasCredentials() {
        return bearerTokenFile != null || basicUsernameFile != null;
    }

    private static void requireReadable(String what, Path file) {
        if (file == null) {
            throw new IllegalArgumentException(what + ": missing");
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new IllegalArgumentException(what + ": not a readable file: " + file);
        }
    }

    /** Builds a config; defaults: 0.0.0.0, port 8443, 10 MiB wire, 16 MiB decoded, 64 concurrent, 30 s, Retry-After 5 s. */
    public static final class Builder {
        private String host = "0.0.0.0";
        private int port = 8443;
        private final List<String> paths = new ArrayList<>();
        private Tls tls;
        private Path bearerTokenFile;
        private Path basicUsernameFile;
        private Path basicPasswordFile;
        private long maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private long maxDecodedBytes = DEFAULT_MAX_DECODED_BYTES;
        private int maxConcurrent = 64;
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration retryAfter = Duration.ofSeconds(5);
        private int maxRecordsPerRequest = DEFAULT_MAX_RECORDS_PER_REQUEST;
        private long budgetBytes = DEFAULT_BUDGET_BYTES;
        private final List<String> mediaTypes = new ArrayList<>();

        private Builder() {}

        public Builder maxRecordsPerRequest(int records) {
            if (records < 1) {
                throw new IllegalArgumentException("max records per request: must be >= 1, got " + records);
            }
            this.maxRecordsPerRequest = records;
            return this;
        }

        /** Memory all requests may hold at once (see {@link RequestBudget}); set it to the pipeline's in-flight byte bound. */
        public Builder budgetBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("request memory budget: must be >= 1 byte, got " + bytes);
            }
            this.budgetBytes = bytes;
            return this;
        }

        /** Adds an accepted {@code Content-Type} media type, e.g. {@code application/json}. */
        public Builder mediaType(String type) {
            if (type == null || type.isBlank() || type.contains(";")) {
                throw new IllegalArgumentException("media type: must be type/subtype without parameters, got " + type);
            }
            String t = type.strip().toLowerCase(java.util.Locale.ROOT);
            if (!mediaTypes.contains(t)) {
                mediaTypes.add(t);
            }
            return this;
        }

        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("host: must not be empty");
            }
            this.host = host.strip();
            return this;
        }

        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port: must be 0..65535, got " + port);
            }
            this.port = port;
            return this;
        }

        /** Adds an exact path to serve, e.g. {@code /openshift/audit}. */
        public Builder path(String path) {
            if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
                throw new IllegalArgumentException("path: must start with '/' and hold no query, got " + path);
            }
            if (!paths.contains(path)) {
                paths.add(path);
            }
            return this;
        }

        public Builder paths(List<String> paths) {
            paths.forEach(this::path);
            return this;
        }

        /** Serves HTTPS with the PEM certificate chain and PKCS#8 key; {@code clientCaFile} non-null requires mTLS. */
        public Builder tls(Path certificateFile, Path keyFile, Path clientCaFile) {
            this.tls = new Tls(certificateFile, keyFile, clientCaFile);
            return this;
        }

        public Builder bearerTokenFile(Path file) {
            requireReadable("bearer token file", file);
            this.bearerTokenFile = file;
            return this;
        }

        public Builder basicAuthFiles(Path usernameFile, Path passwordFile) {
            requireReadable("basic auth username file", usernameFile);
            requireReadable("basic auth password file", passwordFile);
            this.basicUsernameFile = usernameFile;
            this.basicPasswordFile = passwordFile;
            return this;
        }

        public Builder maxBodyBytes(long bytes) {
            if (bytes < 1 || bytes > MAX_ARRAY) {
                throw new IllegalArgumentException("max body size: must be 1.." + MAX_ARRAY + " bytes, got " + bytes);
            }
            this.maxBodyBytes = bytes;
            return this;
        }

        public Builder maxDecodedBytes(long bytes) {
            if (bytes < 1 || bytes > MAX_ARRAY) {
                throw new IllegalArgumentException("max decoded body size: must be 1.." + MAX_ARRAY + " bytes, got " + bytes);
            }
            this.maxDecodedBytes = bytes;
            return this;
        }

        public Builder maxConcurrent(int requests) {
            if (requests < 1) {
                throw new IllegalArgumentException("max concurrent requests: must be >= 1, got " + requests);
            }
            this.maxConcurrent = requests;
            return this;
        }

        public Builder requestTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("request timeout: must be > 0, got " + timeout);
            }
            this.requestTimeout = timeout;
            return this;
        }

        public Builder retryAfter(Duration retryAfter) {
            if (retryAfter == null || retryAfter.isNegative()) {
                throw new IllegalArgumentException("retry-after: must be >= 0, got " + retryAfter);
            }
            this.retryAfter = retryAfter;
            return this;
        }

        public HttpReceiverConfig build() {
            if (paths.isEmpty()) {
                throw new IllegalArgumentException("path: at least one path is required");
            }
            if (maxDecodedBytes < maxBodyBytes) {
                // An uncompressed body is its own decoded form: a lower decoded cap would silently lower the wire cap.
                throw new IllegalArgumentException("max decoded body size: must be >= max body size (" + maxBodyBytes + ")");
            }
            HttpServerGuards.applyFor(requestTimeout);
            return new HttpReceiverConfig(host, port, paths, tls, bearerTokenFile, basicUsernameFile,
                    basicPasswordFile, maxBodyBytes, maxDecodedBytes, maxConcurrent, requestTimeout, retryAfter,
                    maxRecordsPerRequest, budgetBytes, mediaTypes);
        }
    }

    @Override
    public String toString() {
        // Names files, never their contents.
        return "HttpReceiverConfig[" + host + ":" + port + " paths=" + paths + " tls=" + (tls != null)
                + " mtls=" + (tls != null && tls.requiresClientCertificate()) + " bearer=" + (bearerTokenFile != null)
                + " basic=" + (basicUsernameFile != null) + " maxBody=" + maxBodyBytes + " maxDecoded=" + maxDecodedBytes
                + " maxConcurrent=" + maxConcurrent + " timeout=" + requestTimeout + " maxRecords=" + maxRecordsPerRequest
                + " budget=" + budgetBytes + "]";
    }
}
