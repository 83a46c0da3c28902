package io.auditbridge.detector.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventWriter;
import io.auditbridge.core.http.HttpReceiver;
import io.auditbridge.core.http.HttpReceiverConfig;
import io.auditbridge.core.ops.PipelineMetrics;
import io.auditbridge.detector.TestEvents;
import io.auditbridge.detector.cli.ServeCommand;
import io.auditbridge.detector.engine.Alert;
import io.auditbridge.detector.engine.BatchEvaluator;
import io.auditbridge.detector.engine.Detector;
import io.auditbridge.detector.output.AlertOutput;
import io.auditbridge.detector.rules.RulesFiles;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import okhttp3.tls.HandshakeCertificates;
import okhttp3.tls.HeldCertificate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Must show 4: the k8s_audit webhook's 401 / 413 / 400, skipped non-Event elements, a 10k-event EventList. */
class K8sAuditWebhookTest {
    private static final Detector DETECTOR = new Detector(RulesFiles.load(List.of()), "h", Detector.GapListener.NONE);

    @TempDir
    Path dir;

    private final List<Alert> alerts = Collections.synchronizedList(new ArrayList<>());
    private final PipelineMetrics metrics = PipelineMetrics.inMemory("detector");
    private final HttpClient client = HttpClient.newHttpClient();
    private HttpReceiver receiver;

    private final AlertOutput collecting = new AlertOutput() {
        @Override
        public void publish(List<Alert> a) {
            alerts.addAll(a);
        }

        @Override
        public String describe() {
            return "test";
        }
    };

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.close();
        }
        client.close();
    }

    private URI start(HttpReceiverConfig.Builder config, AlertOutput output) throws IOException {
        receiver = HttpReceiver.start(config.host("127.0.0.1").port(0).path("/k8s_audit").path("/k8s-audit")
                .maxBodyBytes(ServeCommand.MAX_BODY_BYTES).maxDecodedBytes(ServeCommand.MAX_BODY_BYTES).build(),
                new K8sAuditWebhook(new BatchEvaluator(DETECTOR, output, metrics), metrics));
        return URI.create("http://127.0.0.1:" + receiver.port() + "/k8s_audit");
    }

    private URI start() throws IOException {
        return start(HttpReceiverConfig.builder(), collecting);
    }

    private HttpResponse<String> post(URI uri, byte[] body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Event secretRead(int i) {
        return TestEvents.event("{\"auditID\": \"a-" + i + "\", \"objectRef\": {\"resource\": \"secrets\", \"name\": \"db\"}}");
    }

    private static byte[] eventList(List<Event> events) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        EventWriter.writeEventList(out, events);
        return out.toByteArray();
    }

    @Test
    void aTenThousandEventListIsEvaluatedBeforeTheAnswer() throws Exception {
        URI uri = start();
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            events.add(secretRead(i));
        }
        HttpResponse<String> res = post(uri, eventList(events));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"events\":10000,\"alerts\":10000,\"skipped\":0}");
        assertThat(alerts).hasSize(10_000).allMatch(a -> a.rule().equals("K8s Secret Get Successfully"));
        assertThat(alerts.get(9_999).outputFields()).containsEntry("ka.auditid", "a-9999");
    }

    @Test
    void aNonEventElementIsSkippedAndCountedTheRestEvaluated() throws Exception {
        URI uri = start();
        String body = "[" + new String(secretRead(1).toJsonBytes(), StandardCharsets.UTF_8)
                + ",{\"type\":\"auditd\",\"message\":\"not a k8s event\"},"
                + new String(secretRead(2).toJsonBytes(), StandardCharsets.UTF_8) + "]";
        HttpResponse<String> res = post(uri.resolve("/k8s-audit"), body.getBytes(StandardCharsets.UTF_8));

        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(res.body()).isEqualTo("{\"events\":2,\"alerts\":2,\"skipped\":1}");
        assertThat(metrics.count("auditbridge.events.skipped", "reason", "not_event")).isEqualTo(1.0);
    }

    @Test
    void malformedJsonIs400WithTheReason() throws Exception {
        URI uri = start();
        HttpResponse<String> res = post(uri, "{\"kind\":\"EventList\",\"items\":[{\"auditID\":".getBytes(StandardCharsets.UTF_8));
        assertThat(res.statusCode()).isEqualTo(400);
        assertThat(res.body()).startsWith("malformed JSON");
        assertThat(alerts).isEmpty();

        HttpResponse<String> notEvent = post(uri, "{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(notEvent.statusCode()).isEqualTo(400);
        assertThat(notEvent.body()).contains("no audit Event in the body").contains("kind is Pod, not Event");
    }

    @Test
    void otherContentTypesAre415() throws Exception {
        URI uri = start();
        HttpResponse<String> res = client.send(HttpRequest.newBuilder(uri).header("Content-Type", "application/x-ndjson")
                .POST(HttpRequest.BodyPublishers.ofByteArray(secretRead(1).toJsonBytes())).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).isEqualTo(415);
        assertThat(alerts).isEmpty();
    }

    @Test
    void aBodyOver12MiBIs413() throws Exception {
        URI uri = start();
        // The receiver answers 413 from the declared length alone and closes without reading the body (HttpReceiver's
        // documented contract), so a client still writing 12 MiB may see a reset instead of the answer. Send the
        // headers only and read the status line, as a client honouring an early answer does.
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(120_000); // only bounds a hang; the answer needs no body
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getAuthority()
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + (ServeCommand.MAX_BODY_BYTES + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            assertThat(in.readLine()).startsWith("HTTP/1.1 413");
            List<String> headers = new ArrayList<>();
            for (String h = in.readLine(); h != null && !h.isEmpty(); h = in.readLine()) {
                headers.add(h.toLowerCase(java.util.Locale.ROOT));
            }
            assertThat(headers).contains("connection: close");
        }
        assertThat(alerts).isEmpty();
    }

    @Test
    void gzipBodiesAreAccepted() throws Exception {
        URI uri = start();
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
            out.write(eventList(List.of(secretRead(1))));
        }
        HttpResponse<String> res = post(uri, gz.toByteArray(), "Content-Encoding", "gzip");
        assertThat(res.statusCode()).isEqualTo(200);
        assertThat(alerts).hasSize(1);
    }

    @Test
    void aConfiguredBearerTokenIsRequired() throws Exception {
        Path token = Files.writeString(dir.resolve("token"), "s3cret\n");
        URI uri = start(HttpReceiverConfig.builder().bearerTokenFile(token), collecting);
        byte[] body = eventList(List.of(secretRead(1)));

        assertThat(post(uri, body).statusCode()).isEqualTo(401);
        assertThat(post(uri, body, "Authorization", "Bearer wrong").statusCode()).isEqualTo(401);
        assertThat(alerts).isEmpty();
        assertThat(post(uri, body, "Authorization", "Bearer s3cret").statusCode()).isEqualTo(200);
        assertThat(alerts).hasSize(1);
    }

    @Test
    void aFailingAlertOutputIs503SoTheSenderRetries() throws Exception {
        URI uri = start(HttpReceiverConfig.builder(), new AlertOutput() {
            @Override
            public void publish(List<Alert> a) throws IOException {
                throw new IOException("receiver down");
            }

            @Override
            public String describe() {
                return "broken";
            }
        });
        HttpResponse<String> res = post(uri, eventList(List.of(secretRead(1))));
        assertThat(res.statusCode()).isEqualTo(503);
        assertThat(res.headers().firstValue("Retry-After")).contains("5");
    }

    @Test
    void servesHttpsWithAPemCertificate() throws Exception {
        HeldCertificate cert = new HeldCertificate.Builder().addSubjectAlternativeName("127.0.0.1").build();
        Path crt = Files.writeString(dir.resolve("tls.crt"), cert.certificatePem());
        Path key = Files.writeString(dir.resolve("tls.key"), cert.privateKeyPkcs8Pem());
        URI uri = start(HttpReceiverConfig.builder().tls(crt, key, null), collecting);
        HandshakeCertificates trust = new HandshakeCertificates.Builder().addTrustedCertificate(cert.certificate()).build();
        try (HttpClient tls = HttpClient.newBuilder().sslContext(trust.sslContext()).build()) {
            HttpResponse<String> res = tls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + uri.getPort() + "/k8s_audit"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(eventList(List.of(secretRead(1))))).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
        }
        JsonNode alert = alerts.get(0).toJson();
        assertThat(alert.get("rule").asText()).isEqualTo("K8s Secret Get Successfully");
    }
}
