package io.auditbridge.core.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import okio.BufferedSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Drives a real {@link HttpReceiver} on loopback with OkHttp. */
class HttpReceiverTest {
    private static final MediaType JSON = MediaType.get("application/json");
    private static final String BODY = "[{\"kind\":\"Event\",\"auditID\":\"a-1\"}]";

    @TempDir
    Path dir;

    private final List<HttpReceiver> receivers = new ArrayList<>();
    private final OkHttpClient client = new OkHttpClient.Builder().retryOnConnectionFailure(false).build();
    private final List<ReceivedRequest> received = new CopyOnWriteArrayList<>();
    private final RequestHandler echo = request -> {
        received.add(request);
        return HandlerResponse.json(200, "{\"bytes\":" + request.body().length + "}");
    };

    @AfterEach
    void stop() {
        receivers.forEach(HttpReceiver::close);
    }

    private HttpReceiver start(HttpReceiverConfig.Builder config, RequestHandler handler) throws IOException {
        HttpReceiver r = HttpReceiver.start(config.build(), handler);
        receivers.add(r);
        return r;
    }

    private static HttpReceiverConfig.Builder loopback() {
        return HttpReceiverConfig.builder().host("127.0.0.1").port(0).path("/in");
    }

    private static String url(HttpReceiver r) {
        return "http://127.0.0.1:" + r.port() + "/in";
    }

    private Response post(String url, byte[] body, String... headers) throws IOException {
        Request.Builder req = new Request.Builder().url(url).post(RequestBody.create(body, JSON));
        for (int i = 0; i < headers.length; i += 2) {
            req.header(headers[i], headers[i + 1]);
        }
        return client.newCall(req.build()).execute();
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private Path secret(String name, String value) throws IOException {
        return Files.writeString(dir.resolve(name), value + "\n");
    }

    // ---- authentication ----

    @Test
    void aHandlersOwnHeaderCheckAnswersBeforeTheBodyIsRead() throws Exception {
        RequestHandler keyed = new RequestHandler() {
            @Override
            public HandlerResponse handle(ReceivedRequest request) throws BadRequestException, InterruptedException {
                return echo.handle(request);
            }

            @Override
            public HandlerResponse answerBeforeBody(java.util.function.Function<String, String> header) {
                return Secrets.matches(header.apply("x-api-key"), "k-123") ? null
                        : HandlerResponse.json(401, "{\"errorMessage\":\"bad key\"}");
            }
        };
        HttpReceiver r = start(loopback(), keyed);
        try (Response wrong = post(url(r), utf8(BODY), "X-Api-Key", "k-124")) {
            assertThat(wrong.code()).isEqualTo(401);
            assertThat(wrong.body().string()).isEqualTo("{\"errorMessage\":\"bad key\"}");
            assertThat(wrong.header("Connection")).isEqualTo("close");
        }
        assertThat(received).isEmpty();
        try (Response ok = post(url(r), utf8(BODY), "X-Api-Key", "k-123")) {
            assertThat(ok.code()).isEqualTo(200);
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void bearerTokenMissingOrWrongIs401AndTheHandlerNeverRuns() throws Exception {
        HttpReceiver r = start(loopback().bearerTokenFile(secret("token", "s3cret-token")), echo);

        try (Response none = post(url(r), utf8(BODY))) {
            assertThat(none.code()).isEqualTo(401);
            assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        }
        try (Response wrong = post(url(r), utf8(BODY), "Authorization", "Bearer s3cret-tokenX")) {
            assertThat(wrong.code()).isEqualTo(401);
        }
        try (Response prefix = post(url(r), utf8(BODY), "Authorization", "Bearer s3cret")) {
            assertThat(prefix.code()).isEqualTo(401);
        }
        try (Response basic = post(url(r), utf8(BODY), "Authorization", basic("s3cret-token", ""))) {
            assertThat(basic.code()).as("basic auth is not configured").isEqualTo(401);
        }
        assertThat(received).isEmpty();

        try (Response ok = post(url(r), utf8(BODY), "Authorization", "Bearer s3cret-token")) {
            assertThat(ok.code()).isEqualTo(200);
            assertThat(ok.body().string()).isEqualTo("{\"bytes\":" + BODY.length() + "}");
        }
        assertThat(received).hasSize(1);
        assertThat(received.getFirst().headers()).doesNotContainKey("Authorization");
        assertThat(received.getFirst().header("content-type")).startsWith("application/json");
    }

    @Test
    void aRotatedTokenFileIsPickedUpWithoutRestart() throws Exception {
        Path token = secret("token", "first");
        HttpReceiver r = start(loopback().bearerTokenFile(token), echo);
        try (Response ok = post(url(r), utf8(BODY), "Authorization", "Bearer first")) {
            assertThat(ok.code()).isEqualTo(200);
        }

        Files.writeString(token, "second\n");
        Files.setLastModifiedTime(token, FileTime.fromMillis(Files.getLastModifiedTime(token).toMillis() + 5_000));

        try (Response old = post(url(r), utf8(BODY), "Authorization", "Bearer first")) {
            assertThat(old.code()).isEqualTo(401);
        }
        try (Response fresh = post(url(r), utf8(BODY), "Authorization", "Bearer second")) {
            assertThat(fresh.code()).isEqualTo(200);
        }
    }

    @Test
    void basicAuthChecksUserAndPassword() throws Exception {
        HttpReceiver r = start(loopback().basicAuthFiles(secret("username", "vector"), secret("password", "pa:ss")), echo);

        try (Response wrongPass = post(url(r), utf8(BODY), "Authorization", basic("vector", "nope"))) {
            assertThat(wrongPass.code()).isEqualTo(401);
            assertThat(wrongPass.header("WWW-Authenticate")).startsWith("Basic");
        }
        try (Response wrongUser = post(url(r), utf8(BODY), "Authorization", basic("vectorx", "pa:ss"))) {
            assertThat(wrongUser.code()).isEqualTo(401);
        }
        try (Response garbage = post(url(r), utf8(BODY), "Authorization", "Basic %%%")) {
            assertThat(garbage.code()).isEqualTo(401);
        }
        assertThat(received).isEmpty();
        try (Response ok = post(url(r), utf8(BODY), "Authorization", basic("vector", "pa:ss"))) {
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void bearerAndBasicMayBothBeConfigured() throws Exception {
        HttpReceiver r = start(loopback().bearerTokenFile(secret("token", "t"))
                .basicAuthFiles(secret("username", "u"), secret("password", "p")), echo);
        try (Response a = post(url(r), utf8(BODY), "Authorization", "Bearer t");
             Response b = post(url(r), utf8(BODY), "Authorization", basic("u", "p"));
             Response c = post(url(r), utf8(BODY), "Authorization", "Bearer p")) {
            assertThat(List.of(a.code(), b.code(), c.code())).containsExactly(200, 200, 401);
        }
    }

    private static String basic(String user, String pass) {
        return "Basic " + Base64.getEncoder().encodeToString(utf8(user + ":" + pass));
    }

    @Test
    void theObserverHearsEveryAnswerWithBoundedPaths() throws Exception {
        List<String> answers = new CopyOnWriteArrayList<>();
        HttpReceiver r = HttpReceiver.start(loopback().bearerTokenFile(secret("token", "t")).build(), echo,
                (path, status, elapsed) -> answers.add(path + " " + status));
        receivers.add(r);
        try (Response a = post(url(r), utf8(BODY), "Authorization", "Bearer t");
             Response b = post(url(r), utf8(BODY));
             Response c = post(url(r) + "/secret-123", utf8(BODY))) {
            assertThat(List.of(a.code(), b.code(), c.code())).containsExactly(200, 401, 404);
        }
        assertThat(answers).containsExactly("/in 200", "/in 401", "other 404");
    }

    // ---- routing ----

    @Test
    void unknownPathIs404AndGetIs405() throws Exception {
        HttpReceiver r = start(loopback().path("/other"), echo);
        try (Response other = post("http://127.0.0.1:" + r.port() + "/other", utf8(BODY));
             Response sub = post("http://127.0.0.1:" + r.port() + "/in/more", utf8(BODY));
             Response get = client.newCall(new Request.Builder().url(url(r)).build()).execute()) {
            assertThat(other.code()).isEqualTo(200);
            assertThat(received.getFirst().path()).isEqualTo("/other");
            assertThat(sub.code()).isEqualTo(404);
            assertThat(get.code()).isEqualTo(405);
            assertThat(get.header("Allow")).isEqualTo("POST");
        }
    }

    // ---- size limits and encodings ----

    @Test
    void bodyOverTheWireLimitIs413WithContentLengthAndChunked() throws Exception {
        HttpReceiver r = start(loopback().maxBodyBytes(1024), echo);
        byte[] big = new byte[2048];

        try (Response declared = post(url(r), big)) {
            assertThat(declared.code()).isEqualTo(413);
        }
        RequestBody chunked = new RequestBody() {
            @Override
            public MediaType contentType() {
                return JSON;
            }

            @Override
            public long contentLength() {
                return -1; // no Content-Length: the receiver must count while reading
            }

            @Override
            public void writeTo(BufferedSink sink) throws IOException {
                sink.write(big);
            }
        };
        try (Response streamed = client.newCall(new Request.Builder().url(url(r)).post(chunked).build()).execute()) {
            assertThat(streamed.code()).isEqualTo(413);
        }
        try (Response exact = post(url(r), new byte[1024])) {
            assertThat(exact.code()).isEqualTo(200);
        }
        assertThat(received).hasSize(1);
    }

    @Test
    void aClientWritingAWholeOversizedBodySeesThe413AndTheNextRequestWorks() throws Exception {
        // Larger than the JDK server's own 64 KiB drain: without draining, OkHttp would hit a broken pipe.
        HttpReceiver r = start(loopback().maxBodyBytes(200 * 1024), echo);
        for (int i = 0; i < 3; i++) {
            try (Response tooBig = post(url(r), new byte[300 * 1024])) {
                assertThat(tooBig.code()).isEqualTo(413);
                assertThat(tooBig.header("Connection")).isEqualToIgnoringCase("close");
            }
            try (Response fine = post(url(r), utf8(BODY))) {
                assertThat(fine.code()).isEqualTo(200);
            }
        }
        assertThat(received).hasSize(3);
    }

    @Test
    void gzipBombIs413WithoutInflatingItAll() throws Exception {
        HttpReceiver r = start(loopback().maxBodyBytes(1024 * 1024).maxDecodedBytes(1024 * 1024), echo);
        // 64 MiB of zeros compress to ~64 KiB: small on the wire, far over the decoded limit.
        byte[] bomb = gzip(new byte[64 * 1024 * 1024]);
        assertThat(bomb.length).isLessThan(1024 * 1024);

        try (Response response = post(url(r), bomb, "Content-Encoding", "gzip")) {
            assertThat(response.code()).isEqualTo(413);
            assertThat(response.body().string()).contains("decompressed body exceeds");
        }
        assertThat(received).isEmpty();
    }

    @Test
    void gzipAndDeflateBodiesReachTheHandlerDecoded() throws Exception {
        HttpReceiver r = start(loopback(), echo);
        byte[] plain = utf8(BODY.repeat(100));

        try (Response g = post(url(r), gzip(plain), "Content-Encoding", "gzip");
             Response z = post(url(r), deflate(plain, false), "Content-Encoding", "deflate");
             Response raw = post(url(r), deflate(plain, true), "Content-Encoding", "deflate");
             Response none = post(url(r), plain, "Content-Encoding", "identity")) {
            assertThat(List.of(g.code(), z.code(), raw.code(), none.code())).containsOnly(200);
        }
        assertThat(received).hasSize(4).allSatisfy(req -> assertThat(req.body()).isEqualTo(plain));
    }

    @Test
    void corruptGzipIs400AndUnknownEncodingIs415() throws Exception {
        HttpReceiver r = start(loopback(), echo);
        try (Response corrupt = post(url(r), utf8("not gzip at all"), "Content-Encoding", "gzip");
             Response snappy = post(url(r), utf8(BODY), "Content-Encoding", "snappy")) {
            assertThat(corrupt.code()).isEqualTo(400);
            assertThat(corrupt.body().string()).contains("gzip");
            assertThat(snappy.code()).isEqualTo(415);
        }
        assertThat(received).isEmpty();
    }

    private static byte[] gzip(byte[] plain) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    private static byte[] deflate(byte[] plain, boolean raw) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (OutputStream d = new DeflaterOutputStream(out, new Deflater(Deflater.DEFAULT_COMPRESSION, raw))) {
            d.write(plain);
        }
        return out.toByteArray();
    }

    // ---- handler outcomes ----

    @Test
    void badBodyIs400WithTheReasonAndHandlerFailureIs500WithoutItsMessage() throws Exception {
        HttpReceiver r = start(loopback().path("/boom"), request -> {
            if (request.path().equals("/boom")) {
                throw new IllegalStateException("internal detail token=abc");
            }
            throw new BadRequestException("body is not JSON:\nunexpected character at 1:1");
        });
        try (Response bad = post(url(r), utf8("{nope"))) {
            assertThat(bad.code()).isEqualTo(400);
            assertThat(bad.body().string()).isEqualTo("body is not JSON: unexpected character at 1:1\n");
        }
        try (Response boom = post("http://127.0.0.1:" + r.port() + "/boom", utf8(BODY))) {
            assertThat(boom.code()).isEqualTo(500);
            assertThat(boom.body().string()).isEqualTo("internal error\n").doesNotContain("abc");
        }
    }

    @Test
    void handlerHeadersAndStatusArePassedThrough() throws Exception {
        HttpReceiver r = start(loopback(), request -> HandlerResponse.text(503, "sink down").withHeader("Retry-After", "7"));
        try (Response response = post(url(r), utf8(BODY))) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isEqualTo("7");
            assertThat(response.body().string()).isEqualTo("sink down\n");
        }
    }

    // ---- concurrency and timeout ----

    @Test
    void requestsBeyondTheConcurrencyLimitGet503WithRetryAfter() throws Exception {
        CountDownLatch entered = new CountDownLatch(2);
        CountDownLatch release = new CountDownLatch(1);
        HttpReceiver r = start(loopback().maxConcurrent(2).retryAfter(Duration.ofSeconds(3)), request -> {
            entered.countDown();
            release.await();
            return HandlerResponse.text(200, "ok");
        });
        List<CompletableFuture<Integer>> first = new ArrayList<>();
        var senders = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        for (int i = 0; i < 2; i++) {
            first.add(CompletableFuture.supplyAsync(() -> {
                try (Response resp = post(url(r), utf8(BODY))) {
                    return resp.code();
                } catch (IOException e) {
                    throw new RuntimeException(e);
                }
            }, senders));
        }
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(r.activeRequests()).isEqualTo(2);

        try (Response third = post(url(r), utf8(BODY))) {
            assertThat(third.code()).isEqualTo(503);
            assertThat(third.header("Retry-After")).isEqualTo("3");
        }
        release.countDown();
        for (CompletableFuture<Integer> f : first) {
            assertThat(f.get(10, TimeUnit.SECONDS)).isEqualTo(200);
        }
        senders.close();
        try (Response after = post(url(r), utf8(BODY))) {
            assertThat(after.code()).as("permits are returned").isEqualTo(200);
        }
    }

    @Test
    void aHandlerPastTheTimeoutIsInterruptedAndTheAnswerIs503() throws Exception {
        AtomicBoolean interrupted = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(1);
        HttpReceiver r = start(loopback().maxConcurrent(1).requestTimeout(Duration.ofMillis(200)), request -> {
            try {
                new CountDownLatch(1).await(); // never released: only the timeout ends this
                return HandlerResponse.text(200, "unreachable");
            } catch (InterruptedException e) {
                interrupted.set(true);
                throw e;
            } finally {
                finished.countDown();
            }
        });
        try (Response response = post(url(r), utf8(BODY))) {
            assertThat(response.code()).isEqualTo(503);
            assertThat(response.header("Retry-After")).isNotNull();
        }
        assertThat(finished.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(interrupted).isTrue();
    }

    // ---- TLS ----

    @Test
    void httpsServesWithAPemCertificateChain() throws Exception {
        TestPki pki = TestPki.create(dir);
        HttpReceiver r = start(loopback().tls(pki.serverChainFile(), pki.serverKeyFile(), null), echo);
        OkHttpClient https = pki.client(null);
        try (Response ok = https.newCall(new Request.Builder().url("https://localhost:" + r.port() + "/in")
                .post(RequestBody.create(utf8(BODY), JSON)).build()).execute()) {
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void httpsAcceptsAPkcs1RsaKeyAsCertManagerAndTheServiceCaWriteIt() throws Exception {
        okhttp3.tls.HeldCertificate server = new okhttp3.tls.HeldCertificate.Builder().rsa2048().commonName("localhost")
                .addSubjectAlternativeName("localhost").build();
        Path cert = Files.writeString(dir.resolve("rsa.crt"), server.certificatePem());
        Path key = Files.writeString(dir.resolve("rsa.key"), server.privateKeyPkcs1Pem());
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        HttpReceiver r = start(loopback().tls(cert, key, null), echo);
        okhttp3.tls.HandshakeCertificates trust = new okhttp3.tls.HandshakeCertificates.Builder()
                .addTrustedCertificate(server.certificate()).build();
        OkHttpClient https = new OkHttpClient.Builder().sslSocketFactory(trust.sslSocketFactory(), trust.trustManager()).build();
        try (Response ok = https.newCall(new Request.Builder().url("https://localhost:" + r.port() + "/in")
                .post(RequestBody.create(utf8(BODY), JSON)).build()).execute()) {
            assertThat(ok.code()).isEqualTo(200);
        }
    }

    @Test
    void aKeyInAnUnknownFormatIsRejectedWithoutQuotingIt() throws Exception {
        TestPki pki = TestPki.create(dir);
        Path key = Files.writeString(dir.resolve("ec.key"), "-----BEGIN EC PRIVATE KEY-----\nTUlJQ0FBQQ==\n-----END EC PRIVATE KEY-----\n");
        HttpReceiverConfig config = loopback().tls(pki.serverChainFile(), key, null).build();
        assertThatThrownBy(() -> HttpReceiver.start(config, echo))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("tls key file:")
                .hasMessageNotContaining("TUlJQ0FBQQ");
    }

    @Test
    void mtlsRejectsClientsWithoutATrustedCertificate() throws Exception {
        TestPki pki = TestPki.create(dir);
        HttpReceiver r = start(loopback().tls(pki.serverChainFile(), pki.serverKeyFile(), pki.clientCaFile()), echo);
        Request request = new Request.Builder().url("https://localhost:" + r.port() + "/in")
                .post(RequestBody.create(utf8(BODY), JSON)).build();

        assertThatThrownBy(() -> pki.client(null).newCall(request).execute().close()).isInstanceOf(IOException.class);
        assertThatThrownBy(() -> pki.client(pki.strangerCertificate()).newCall(request).execute().close())
                .isInstanceOf(IOException.class);
        assertThat(received).isEmpty();

        try (Response ok = pki.client(pki.clientCertificate()).newCall(request).execute()) {
            assertThat(ok.code()).isEqualTo(200);
        }
        assertThat(received).hasSize(1);
    }

    // ---- config validation ----

    @Test
    void configBuilderNamesTheBadSetting() {
        assertThatThrownBy(() -> HttpReceiverConfig.builder().build()).hasMessageStartingWith("path:");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().path("in")).hasMessageStartingWith("path:");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().port(70000)).hasMessageStartingWith("port:");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().maxConcurrent(0)).hasMessageStartingWith("max concurrent");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().requestTimeout(Duration.ZERO)).hasMessageStartingWith("request timeout");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().bearerTokenFile(dir.resolve("absent")))
                .hasMessageStartingWith("bearer token file:");
        assertThatThrownBy(() -> HttpReceiverConfig.builder().path("/x").maxBodyBytes(100).maxDecodedBytes(50).build())
                .hasMessageStartingWith("max decoded");
        HttpReceiverConfig c = HttpReceiverConfig.builder().path("/x").build();
        assertThat(c.maxBodyBytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(c.paths()).containsExactly("/x");
    }

    @Test
    void theSecretNeverAppearsInTheConfigText() throws Exception {
        HttpReceiverConfig c = loopback().bearerTokenFile(secret("token", "do-not-print")).build();
        assertThat(c.toString()).doesNotContain("do-not-print").contains("bearer=true");
    }

    @Test
    void manyConcurrentRequestsAllSucceedUnderTheLimit() throws Exception {
        AtomicInteger handled = new AtomicInteger();
        HttpReceiver r = start(loopback().maxConcurrent(64), request -> {
            handled.incrementAndGet();
            return HandlerResponse.text(200, "ok");
        });
        List<CompletableFuture<Integer>> calls = new ArrayList<>();
        try (var pool = java.util.concurrent.Executors.newFixedThreadPool(16)) {
            for (int i = 0; i < 200; i++) {
                calls.add(CompletableFuture.supplyAsync(() -> {
                    try (Response resp = post(url(r), utf8(BODY))) {
                        return resp.code();
                    } catch (IOException e) {
                        throw new RuntimeException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<Integer> f : calls) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isEqualTo(200);
            }
        }
        assertThat(handled).hasValue(200);
    }
}
