package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.RecordError;
import io.auditbridge.core.Translation;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The JSON path ({@code translate}, the Pub/Sub subscriber, the Cloud Function: LogEntry JSON read straight from its
 * tree) and the protobuf path (the gRPC poller: a {@link LogEntry}, here the same JSON parsed with JsonFormat) must
 * give the same Events, byte for byte, declared gaps included. Every fixture, and generated entries of every kind
 * GKE writes (each option of each field at least once, then random mixtures), go through both. Entries the JSON
 * reader leaves to JsonFormat (another field, {@code status.details}, a code written as text, an unusual timestamp)
 * must agree as well, and the test checks which path each took, so agreement is never reached by both being protobuf.
 */
class JsonAndProtoPathsAgreeTest {
    private final LogEntryTranslator translator = new LogEntryTranslator();

    static Stream<String> fixtures() throws Exception {
        List<String> out = new ArrayList<>();
        for (String dir : List.of("logentries", "inputs")) {
            try (Stream<Path> files = Files.list(Path.of(JsonAndProtoPathsAgreeTest.class.getResource("/" + dir).toURI()))) {
                files.map(p -> dir + "/" + p.getFileName()).sorted().forEach(out::add);
            }
        }
        return out.stream();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void everyFixtureTranslatesAlikeThroughJsonAndProtobuf(String fixture) throws Exception {
        byte[] bytes = Fixtures.bytes(fixture);
        // The items twice over: the JSON path may share (and Struct-normalize) the tree's bodies with its Events.
        List<LogEntryJson.Item> forJson = LogEntryJson.items(bytes);
        List<LogEntryJson.Item> forProto = LogEntryJson.items(bytes);
        assertThat(forJson).isNotEmpty().hasSameSizeAs(forProto);
        int direct = 0;
        for (int i = 0; i < forJson.size(); i++) {
            LogEntryJson.Item item = forJson.get(i);
            if (item.entry() == null) {
                continue; // skipped or refused before either path: the same for both
            }
            if (AuditEntryJsonReader.read(forProto.get(i).entry().deepCopy()) != null) {
                direct++;
            }
            assertAgree(fixture + "#" + i, item.entry(), EventJson.toString(forProto.get(i).entry()));
        }
        if (fixture.startsWith("logentries/") && forJson.getFirst().entry() != null) {
            assertThat(direct).as("%s is read straight from JSON", fixture).isEqualTo(1);
        }
    }

    @Test
    void skippedFixturesAreSkippedAlikeByTheProtobufPath() throws Exception {
        for (String name : List.of("container-api", "container-log")) {
            LogEntryJson.Item item = LogEntryJson.items(Fixtures.bytes("logentries/" + name + ".json")).getFirst();
            assertThat(item.skip()).as(name).isNotNull();
            LogEntry proto = LogEntryJson.parse(EventJson.MAPPER.readTree(Fixtures.bytes("logentries/" + name + ".json")));
            assertThat(translator.translate(proto, name).skipped()).containsOnlyKeys(item.skip());
        }
    }

    @Test
    void generatedEntriesOfEveryKindTranslateAlike() throws Exception {
        Generator g = new Generator(new Random(20261205)); // fixed seed: the same entries on every run
        int direct = 0;
        int fallback = 0;
        int invalid = 0;
        List<Generated> all = new ArrayList<>();
        for (int d = 0; d < g.dimensions.size(); d++) {
            for (int o = 0; o < g.dimensions.get(d).size(); o++) {
                all.add(g.entry(d, o)); // every option of every field at least once
            }
        }
        for (int i = 0; i < 3000; i++) {
            all.add(g.entry(-1, -1));
        }
        for (Generated e : all) {
            String json = EventJson.toString(e.tree);
            boolean read = AuditEntryJsonReader.read(EventJson.MAPPER.readTree(json)) != null;
            assertThat(read).as("JSON path taken for %s", json).isEqualTo(e.direct);
            Outcome o = assertAgree(e.describe, EventJson.MAPPER.readTree(json), json);
            if (o == Outcome.INVALID) {
                invalid++;
            } else if (read) {
                direct++;
            } else {
                fallback++;
            }
        }
        assertThat(direct).as("entries read straight from JSON").isGreaterThan(1500);
        assertThat(fallback).as("entries left to JsonFormat that it accepts").isGreaterThan(50);
        assertThat(invalid).as("entries JsonFormat refuses").isGreaterThan(10);
    }

    /**
     * {@code translate} reads a file's entries as they stream past, without a tree, and takes an entry it cannot read
     * so as a tree of its own bytes. Every generated entry, written as text with its keys shuffled, a key written
     * twice, escapes, whitespace and line breaks, all in one array read a few bytes at a time, must translate exactly as
     * the same text read as a tree does (which the other tests hold to protobuf), and most must be read streaming.
     */
    @Test
    void entriesStreamedFromAFileTranslateAsTheirTreesDo() throws Exception {
        Generator g = new Generator(new Random(20261206));
        Random text = new Random(7);
        List<Generated> all = new ArrayList<>();
        for (int d = 0; d < g.dimensions.size(); d++) {
            for (int o = 0; o < g.dimensions.get(d).size(); o++) {
                all.add(g.entry(d, o));
            }
        }
        for (int i = 0; i < 3000; i++) {
            all.add(g.entry(-1, -1));
        }
        StringBuilder file = new StringBuilder("[");
        for (int i = 0; i < all.size(); i++) {
            file.append(i == 0 ? "" : text.nextBoolean() ? "," : ",\n  ");
            writeVaried(all.get(i).tree, file, text);
        }
        // a few values that are no LogEntry at all, among them
        file.append(",42,\"text\",null,[],{},{\"entries\":[]}]");
        byte[] bytes = file.toString().getBytes(StandardCharsets.UTF_8);
        List<io.auditbridge.core.SourceRecord<JsonValue>> streamed = new ArrayList<>();
        GkeTranslateCommand.parse("f", new java.io.BufferedInputStream(new Trickle(bytes, new Random(3)), 1 << 16), streamed::add);
        JsonNode trees = EventJson.MAPPER.readTree(bytes);
        assertThat(streamed).hasSize(trees.size());
        io.auditbridge.core.Translator<JsonValue> values = new LogEntryJsonTranslator(translator).forValues();
        int read = 0;
        int treeReads = 0;
        for (int i = 0; i < streamed.size(); i++) {
            io.auditbridge.core.SourceRecord<JsonValue> record = streamed.get(i);
            String what = i < all.size() ? all.get(i).describe : "extra " + i;
            assertThat(record.id()).isEqualTo("f#" + i);
            boolean direct = i < all.size() && AuditEntryJsonReader.read(trees.get(i)) != null;
            treeReads += direct ? 1 : 0;
            if (record.payload().entry() != null) {
                read++;
                assertThat(direct).as("streamed only what the tree reader reads: %s", what).isTrue();
            } else {
                assertThat(record.payload().tree()).as(what).isEqualTo(trees.get(i));
            }
            Translation viaStream = values.translate(record);
            Translation viaTree = values.translate(io.auditbridge.core.SourceRecord.unpositioned("f#" + i, JsonValue.of(trees.get(i))));
            assertSameTranslation(what, viaStream, viaTree);
        }
        // the others: a key written twice (left to the tree), or what the tree reader leaves to JsonFormat as well
        assertThat(treeReads).as("entries the tree reader reads").isGreaterThan(1500);
        assertThat(read).as("entries read while streaming").isGreaterThan(treeReads / 2);
    }

    private static void assertSameTranslation(String what, Translation a, Translation b) {
        assertThat(a.events()).as(what).hasSameSizeAs(b.events());
        for (int k = 0; k < a.events().size(); k++) {
            assertThat(new String(a.events().get(k).toJsonBytes(), StandardCharsets.UTF_8)).as(what)
                    .isEqualTo(new String(b.events().get(k).toJsonBytes(), StandardCharsets.UTF_8));
            assertThat(a.events().get(k).dedupeKey()).as(what).isEqualTo(b.events().get(k).dedupeKey());
            assertThat(a.events().get(k).stageTimestamp()).as(what).isEqualTo(b.events().get(k).stageTimestamp());
        }
        assertThat(a.skipped()).as(what).isEqualTo(b.skipped());
        assertThat(a.errors()).as(what).isEqualTo(b.errors());
    }

    private static final java.util.Map<String, JsonNode> EARLIER = new java.util.HashMap<>();

    /** JSON text of a tree, varied: keys shuffled, now and then a key written twice (first), escapes, whitespace. */
    private static void writeVaried(JsonNode n, StringBuilder b, Random r) {
        if (n.isObject()) {
            List<java.util.Map.Entry<String, JsonNode>> fields = new ArrayList<>();
            n.fields().forEachRemaining(fields::add);
            if (r.nextInt(3) == 0) {
                java.util.Collections.shuffle(fields, r);
            }
            b.append(r.nextInt(8) == 0 ? "{ " : "{");
            boolean first = true;
            if (!fields.isEmpty() && r.nextInt(30) == 0) {
                // the same key earlier with another value (mostly that key's value in an earlier entry, which may hold
                // members the later one lacks): a tree keeps the last value alone
                String key = fields.get(r.nextInt(fields.size())).getKey();
                writeString(key, b, r);
                JsonNode earlier = EARLIER.get(key);
                b.append(':').append(earlier != null && r.nextInt(4) != 0 ? EventJson.toString(earlier)
                        : List.of("\"dup\"", "1", "null", "{}", "[]", "true").get(r.nextInt(6)));
                first = false;
            }
            for (java.util.Map.Entry<String, JsonNode> f : fields) {
                EARLIER.put(f.getKey(), f.getValue());
            }
            for (java.util.Map.Entry<String, JsonNode> f : fields) {
                b.append(first ? "" : r.nextInt(10) == 0 ? " ,\n\t" : ",");
                first = false;
                writeString(f.getKey(), b, r);
                b.append(r.nextInt(10) == 0 ? " : " : ":");
                writeVaried(f.getValue(), b, r);
            }
            b.append('}');
        } else if (n.isArray()) {
            b.append('[');
            for (int i = 0; i < n.size(); i++) {
                b.append(i == 0 ? "" : ",");
                writeVaried(n.get(i), b, r);
            }
            b.append(']');
        } else if (n.isTextual()) {
            writeString(n.textValue(), b, r);
        } else {
            b.append(EventJson.toString(n));
        }
    }

    private static void writeString(String s, StringBuilder b, Random r) {
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || r.nextInt(40) == 0) {
                b.append(String.format("\\u%04x", (int) c));
            } else if (c == '/' && r.nextInt(4) == 0) {
                b.append("\\/");
            } else {
                b.append(c);
            }
        }
        b.append('"');
    }

    /** An input that hands out a few bytes per read, so values straddle every buffer boundary. */
    private static final class Trickle extends java.io.InputStream {
        private final byte[] bytes;
        private final Random random;
        private int at;

        Trickle(byte[] bytes, Random random) {
            this.bytes = bytes;
            this.random = random;
        }

        @Override
        public int read() {
            return at < bytes.length ? bytes[at++] & 0xff : -1;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (at >= bytes.length) {
                return -1;
            }
            int n = Math.min(Math.min(len, bytes.length - at), 1 + random.nextInt(random.nextInt(10) == 0 ? 20000 : 700));
            System.arraycopy(bytes, at, b, off, n);
            at += n;
            return n;
        }
    }

    @Test
    void structNumbersReadAsProtobufWouldHoldThem() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(Fixtures.bytes("logentries/pod-create.json"));
        ObjectNode spec = (ObjectNode) tree.at("/protoPayload/request/spec");
        spec.put("ratio", new BigDecimal("1.50"));
        spec.put("thousand", new BigDecimal("1E+3"));
        spec.put("big", 12345678901234567L);
        spec.put("beyondDouble", new BigDecimal("1E+400"));
        spec.putArray("mixed").add(new BigDecimal("-0.0")).add(2.5).add(new java.math.BigInteger("123456789012345678901234567890"));
        String json = EventJson.toString(tree);
        assertAgree("numbers", EventJson.MAPPER.readTree(json), json);
        Event e = translator.translate(EventJson.MAPPER.readTree(json), "numbers").events().getFirst();
        assertThat(e.json().at("/requestObject/spec/ratio").toString()).isEqualTo("1.5");
        assertThat(e.json().at("/requestObject/spec/thousand").toString()).isEqualTo("1000");
        assertThat(e.json().at("/requestObject/spec/mixed/0").toString()).isEqualTo("0");
    }

    @Test
    void theSeverityNamesReadDirectlyAreExactlyLogSeveritys() {
        assertThat(AuditEntryJsonReader.SEVERITIES).containsExactlyInAnyOrderElementsOf(
                java.util.Arrays.stream(com.google.logging.type.LogSeverity.values())
                        .filter(s -> s != com.google.logging.type.LogSeverity.UNRECOGNIZED).map(Enum::name).toList());
    }

    private enum Outcome { AGREED, INVALID }

    /** Both paths on the same JSON; the Events byte for byte, skips and errors alike. */
    private Outcome assertAgree(String what, JsonNode forJsonPath, String sameJson) throws Exception {
        Translation viaJson = translator.translate(forJsonPath, what);
        LogEntry proto;
        try {
            proto = LogEntryJson.parse(EventJson.MAPPER.readTree(sameJson));
        } catch (Exception refused) {
            assertThat(viaJson.events()).as(what).isEmpty();
            assertThat(viaJson.errors()).as(what).singleElement()
                    .satisfies(err -> assertThat(err.code()).isEqualTo("not_log_entry"));
            return Outcome.INVALID;
        }
        Translation viaProto = translator.translate(proto, what);
        assertThat(viaJson.events()).as(what).hasSameSizeAs(viaProto.events());
        List<Event> reference = referenceEvents(proto);
        if (reference != null) {
            assertThat(reference).as(what).hasSameSizeAs(viaJson.events());
        }
        for (int i = 0; i < viaJson.events().size(); i++) {
            Event j = viaJson.events().get(i);
            Event p = viaProto.events().get(i);
            assertThat(new String(j.toJsonBytes(), StandardCharsets.UTF_8)).as(what)
                    .isEqualTo(new String(p.toJsonBytes(), StandardCharsets.UTF_8));
            assertThat(j.json()).as(what).isEqualTo(p.json());
            if (reference != null) {
                // The Events are written with a generator: byte for byte what the tree-building mapping wrote.
                assertThat(new String(j.toJsonBytes(), StandardCharsets.UTF_8)).as(what + " as the tree mapping wrote it")
                        .isEqualTo(new String(reference.get(i).toJsonBytes(), StandardCharsets.UTF_8));
                assertThat(j.auditId()).isEqualTo(reference.get(i).auditId());
                assertThat(j.stage()).isEqualTo(reference.get(i).stage());
                assertThat(j.stageTimestamp()).isEqualTo(reference.get(i).stageTimestamp());
            }
        }
        assertThat(viaJson.skipped()).as(what).isEqualTo(viaProto.skipped());
        assertThat(viaJson.errors().stream().map(RecordError::code).toList()).as(what)
                .isEqualTo(viaProto.errors().stream().map(RecordError::code).toList());
        return Outcome.AGREED;
    }

    /** The Events of the tree-building mapping ({@link TreeEventReference}) for a k8s.io audit entry, else null. */
    private static List<Event> referenceEvents(LogEntry proto) throws Exception {
        if (!proto.hasProtoPayload() || !LogEntryTranslator.AUDIT_LOG_TYPE.equals(proto.getProtoPayload().getTypeUrl())) {
            return null;
        }
        com.google.cloud.audit.AuditLog audit = proto.getProtoPayload().unpack(com.google.cloud.audit.AuditLog.class);
        if (!LogEntryTranslator.K8S_SERVICE.equals(audit.getServiceName())) {
            return null;
        }
        return TreeEventReference.translate(AuditEntry.of(proto, audit)).events();
    }

    private record Generated(ObjectNode tree, boolean direct, String describe) {}

    /** One change to an entry, and whether the JSON reader still reads it directly afterwards. */
    private record Option(String name, boolean direct, Consumer<ObjectNode> apply) {}

    /**
     * LogEntries as Cloud Logging documents them for k8s.io (LogEntry, AuditLog, AuthenticationInfo,
     * RequestMetadata, google.rpc.Status; methodName {@code io.k8s.<group>.<version>.<resource>[.<sub>].<verb>},
     * resourceName {@code <group>/<version>/[namespaces/NS/]<resource>[/<name>[/<sub>]]}).
     */
    private static final class Generator {
        private final Random random;
        final List<List<Option>> dimensions = new ArrayList<>();
        private int serial;

        Generator(Random random) {
            this.random = random;
            dimensions.add(List.of(
                    request("pods create", "io.k8s.core.v1.pods.create", "core/v1/namespaces/default/pods/web-1"),
                    request("pods get", "io.k8s.core.v1.pods.get", "core/v1/namespaces/default/pods/web-1"),
                    request("pods list", "io.k8s.core.v1.pods.list", "core/v1/namespaces/default/pods"),
                    request("pods watch", "io.k8s.core.v1.pods.watch", "core/v1/pods"),
                    request("pods delete", "io.k8s.core.v1.pods.delete", "core/v1/namespaces/default/pods/web-1"),
                    request("pods patch", "io.k8s.core.v1.pods.patch", "core/v1/namespaces/default/pods/web-1"),
                    request("deployments update", "io.k8s.apps.v1.deployments.update", "apps/v1/namespaces/shop/deployments/api"),
                    request("crb create", "io.k8s.authorization.rbac.v1.clusterrolebindings.create",
                            "rbac.authorization.k8s.io/v1/clusterrolebindings/admins"),
                    request("namespace create", "io.k8s.core.v1.namespaces.create", "core/v1/namespaces/team-a"),
                    request("namespace finalize", "io.k8s.core.v1.namespaces.finalize.update", "core/v1/namespaces/team-a/finalize"),
                    request("configmap create", "io.k8s.core.v1.configmaps.create", "core/v1/namespaces/kube-system/configmaps/cfg"),
                    request("secret get", "io.k8s.core.v1.secrets.get", "core/v1/namespaces/prod/secrets/db"),
                    request("exec", "io.k8s.core.v1.pods.exec.create", "core/v1/namespaces/default/pods/web-1/exec"),
                    request("exec echo", "io.k8s.core.v1.pods.exec.get", "core/v1/namespaces/default/pods/web-1/exec/web-1"),
                    request("attach", "io.k8s.core.v1.pods.attach.create", "core/v1/namespaces/default/pods/web-1/attach"),
                    request("portforward", "io.k8s.core.v1.pods.portforward.create", "core/v1/namespaces/default/pods/web-1/portforward"),
                    request("log", "io.k8s.core.v1.pods.log.get", "core/v1/namespaces/default/pods/web-1/log/web-1"),
                    request("status patch", "io.k8s.core.v1.pods.status.patch", "core/v1/namespaces/default/pods/web-1/status"),
                    request("eviction", "io.k8s.core.v1.pods.eviction.create", "core/v1/namespaces/default/pods/web-1/eviction"),
                    request("ephemeral", "io.k8s.core.v1.pods.ephemeralcontainers.patch",
                            "core/v1/namespaces/default/pods/web-1/ephemeralcontainers"),
                    request("node proxy", "io.k8s.core.v1.nodes.proxy.get", "core/v1/nodes/gke-n1/proxy/metrics/cadvisor"),
                    request("token", "io.k8s.core.v1.serviceaccounts.token.create", "core/v1/namespaces/ci/serviceaccounts/deployer/token"),
                    request("readyz", "io.k8s.get", "readyz"),
                    request("discovery", "io.k8s.get", "apis/apps/v1"),
                    request("unparseable", "io.k8s.core.v1.pods.get", "core/v1"),
                    request("odd name", "io.k8s.core.v1.pods.get", "core//pods"),
                    request("empty name", "io.k8s.core.v1.pods.get", "")));
            dimensions.add(List.of(
                    new Option("status {}", true, e -> payload(e).putObject("status")),
                    new Option("no status", true, e -> payload(e).remove("status")),
                    new Option("status 0", true, e -> payload(e).putObject("status").put("code", 0)),
                    new Option("unknown 2", true, e -> payload(e).putObject("status").put("code", 2).put("message", "stream closed")),
                    new Option("invalid 3", true, e -> payload(e).putObject("status").put("code", 3).put("message", "bad spec")),
                    new Option("not found 5", true, e -> payload(e).putObject("status").put("code", 5)),
                    new Option("exists 6", true, e -> payload(e).putObject("status").put("code", 6).put("message", "already exists")),
                    new Option("denied 7", true, e -> payload(e).putObject("status").put("code", 7).put("message", "forbidden: no")),
                    new Option("unauthenticated 16", true, e -> payload(e).putObject("status").put("code", 16)),
                    new Option("exhausted 8", true, e -> payload(e).putObject("status").put("code", 8).put("message", "")),
                    new Option("code as text", false, e -> payload(e).putObject("status").put("code", "7")),
                    new Option("status details", false, e -> {
                        ObjectNode s = payload(e).putObject("status").put("code", 9).put("message", "precondition");
                        s.putArray("details").addObject().put("@type", "type.googleapis.com/google.rpc.PreconditionFailure")
                                .putArray("violations").addObject().put("type", "TOS").put("subject", "x");
                    }),
                    new Option("unknown details", false, e -> payload(e).putObject("status").put("code", 10)
                            .putArray("details").addObject().put("@type", "type.googleapis.com/acme.Unknown").put("x", 1))));
            dimensions.add(List.of(
                    new Option("no request", true, e -> payload(e).remove("request")),
                    new Option("pod request", true, e -> payload(e).set("request", pod("core.k8s.io/v1.Pod"))),
                    new Option("deployment request", true, e -> payload(e).set("request", pod("apps.k8s.io/v1.Deployment"))),
                    new Option("crb request", true, e -> payload(e).set("request", pod("rbac.authorization.k8s.io/v1.ClusterRoleBinding"))),
                    new Option("batch request", true, e -> payload(e).set("request", pod("batch.k8s.io/v1.Job"))),
                    new Option("custom group", true, e -> payload(e).set("request", pod("stable.example.com/v1beta1.CronTab"))),
                    new Option("typed with kind", true, e -> payload(e).set("request",
                            pod("core.k8s.io/v1.Pod").put("apiVersion", "v1").put("kind", "Pod"))),
                    new Option("apiVersion only", true, e -> payload(e).set("request", pod("core.k8s.io/v1.Pod").put("apiVersion", "v9"))),
                    new Option("untyped", true, e -> payload(e).set("request", pod(null))),
                    new Option("odd type", true, e -> payload(e).set("request", pod("type.googleapis.com/google.protobuf.Empty"))),
                    new Option("patch body", true, e -> payload(e).putObject("request").put("@type", "k8s.io/Patch")
                            .putObject("metadata").putObject("labels").put("a", "b")),
                    new Option("empty request", true, e -> payload(e).putObject("request")),
                    new Option("request null", false, e -> payload(e).putNull("request")),
                    new Option("request array", false, e -> payload(e).putArray("request").add(1))));
            dimensions.add(List.of(
                    new Option("no response", true, e -> payload(e).remove("response")),
                    new Option("pod response", true, e -> payload(e).set("response", pod("core.k8s.io/v1.Pod"))),
                    new Option("404 Status", true, e -> payload(e).set("response", status(404, "NotFound", "Failure"))),
                    new Option("409 Status", true, e -> payload(e).set("response", status(409, "AlreadyExists", "Failure"))),
                    new Option("Success Status", true, e -> payload(e).set("response", status(200, null, "Success"))),
                    new Option("Status float code", true, e -> payload(e).set("response", status(0, "Gone", "Failure").put("code", 410.0))),
                    new Option("Status without code", true, e -> {
                        ObjectNode s = status(0, "Invalid", "Failure");
                        s.remove("code");
                        payload(e).set("response", s);
                    }),
                    new Option("metadata struct", true, e -> payload(e).putObject("metadata").put("x", 1.25))));
            dimensions.add(List.of(
                    new Option("no labels", true, e -> e.remove("labels")),
                    new Option("allow labels", true, e -> e.putObject("labels").put("authorization.k8s.io/decision", "allow")
                            .put("authorization.k8s.io/reason", "access granted by IAM permissions.")),
                    new Option("forbid", true, e -> e.putObject("labels").put("authorization.k8s.io/decision", "forbid")),
                    new Option("dry run", true, e -> e.putObject("labels").put("command.gke.io/dryRun", "true").put("z", "last")),
                    new Option("dry run false", true, e -> e.putObject("labels").put("command.gke.io/dryRun", "false")),
                    new Option("DRYRUN", true, e -> e.putObject("labels").put("x/DRYRUN", "yes")),
                    new Option("many labels", true, e -> {
                        ObjectNode l = e.putObject("labels");
                        for (int i = 9; i >= 0; i--) {
                            l.put("k" + i, "v" + i);
                        }
                    }),
                    new Option("labels named like annotations we write", true, e -> e.putObject("labels")
                            .put("auditbridge.io/missing", "responseObject, requestObject,,").put("cluster_name", "label")
                            .put("auditbridge.io/source", "gcp").put("x", "y").put("auditbridge.io/dry-run", "no")),
                    new Option("label location", true, e -> e.putObject("labels").put("a", "1").put("location", "here")),
                    new Option("label number", false, e -> e.putObject("labels").put("n", 5))));
            dimensions.add(List.of(
                    new Option("cluster labels", true, e -> {}),
                    new Option("no location", true, e -> ((ObjectNode) e.at("/resource/labels")).remove("location")),
                    new Option("extra resource label", true, e -> ((ObjectNode) e.at("/resource/labels")).put("zone", "b")),
                    new Option("no resource labels", true, e -> ((ObjectNode) e.get("resource")).remove("labels")),
                    new Option("no resource", true, e -> e.remove("resource")),
                    new Option("resource type only", true, e -> e.putObject("resource").put("type", "k8s_cluster"))));
            dimensions.add(List.of(
                    new Option("single op", true, e -> {}),
                    new Option("first only", true, e -> ((ObjectNode) e.get("operation")).put("last", false)),
                    new Option("last only", true, e -> ((ObjectNode) e.get("operation")).put("first", false)),
                    new Option("first, last absent", true, e -> {
                        ((ObjectNode) e.get("operation")).remove("last");
                        ((ObjectNode) e.get("operation")).put("first", true);
                    }),
                    new Option("no operation", true, e -> e.remove("operation")),
                    new Option("empty operation", true, e -> e.putObject("operation")),
                    new Option("no insertId", true, e -> e.remove("insertId")),
                    new Option("empty insertId", true, e -> e.put("insertId", ""))));
            dimensions.add(List.of(
                    new Option("email", true, e -> {}),
                    new Option("subject only", true, e -> payload(e).putObject("authenticationInfo").put("principalSubject", "user:x@example.com")),
                    new Option("no authentication", true, e -> payload(e).remove("authenticationInfo")),
                    new Option("impersonation", true, e -> {
                        ObjectNode a = payload(e).putObject("authenticationInfo").put("principalEmail", "sa@p.iam.gserviceaccount.com");
                        ArrayNode d = a.putArray("serviceAccountDelegationInfo");
                        d.addObject().putObject("firstPartyPrincipal");
                        d.addObject().putObject("firstPartyPrincipal").put("principalEmail", "bob@example.com");
                        d.addObject().putObject("firstPartyPrincipal").put("principalEmail", "carol@example.com");
                    }),
                    new Option("self delegation", true, e -> payload(e).putObject("authenticationInfo").put("principalEmail", "a@b.c")
                            .putArray("serviceAccountDelegationInfo").addObject().putObject("firstPartyPrincipal").put("principalEmail", "a@b.c")),
                    new Option("third party", false, e -> payload(e).putObject("authenticationInfo").put("principalEmail", "a@b.c")
                            .putArray("serviceAccountDelegationInfo").addObject().putObject("thirdPartyPrincipal")
                            .putObject("thirdPartyClaims").put("iss", "x"))));
            dimensions.add(List.of(
                    new Option("ip and agent", true, e -> {}),
                    new Option("ip only", true, e -> ((ObjectNode) payload(e).get("requestMetadata")).remove("callerSuppliedUserAgent")),
                    new Option("network", true, e -> ((ObjectNode) payload(e).get("requestMetadata")).put("callerNetwork", "//compute/n")),
                    new Option("no metadata", true, e -> payload(e).remove("requestMetadata")),
                    new Option("ipv6", true, e -> ((ObjectNode) payload(e).get("requestMetadata")).put("callerIp", "::1"))));
            dimensions.add(List.of(
                    new Option("Z", true, e -> e.put("timestamp", "2026-11-30T01:02:03Z")),
                    new Option(".4108Z", true, e -> e.put("timestamp", "2026-11-30T01:02:03.4108Z")),
                    new Option(".4Z", true, e -> e.put("timestamp", "2026-11-30T01:02:03.4Z")),
                    new Option(".123Z", true, e -> e.put("timestamp", "2026-12-31T23:59:59.123Z")),
                    new Option("micros", true, e -> e.put("timestamp", "2026-11-30T01:02:03.123456Z")),
                    new Option("nanos", true, e -> e.put("timestamp", "2026-11-30T01:02:03.123456789Z")),
                    new Option("+01:00", true, e -> e.put("timestamp", "2026-11-30T01:02:03.5+01:00")),
                    new Option("-05:30", true, e -> e.put("timestamp", "2026-01-01T00:00:00.000001-05:30")),
                    new Option("leap day", true, e -> e.put("timestamp", "2028-02-29T12:00:00Z")),
                    new Option("year 1", true, e -> e.put("timestamp", "0001-01-01T00:00:00Z")),
                    new Option("year 9999", true, e -> e.put("timestamp", "9999-12-31T23:59:59.999999999Z")),
                    new Option("no timestamp", true, e -> e.remove("timestamp")),
                    new Option("10 digits", false, e -> e.put("timestamp", "2026-11-30T01:02:03.1234567891Z")),
                    new Option("not a date", false, e -> e.put("timestamp", "2026-02-30T01:02:03Z")),
                    new Option("lowercase t", false, e -> e.put("timestamp", "2026-11-30t01:02:03Z")),
                    new Option("no zone", false, e -> e.put("timestamp", "2026-11-30T01:02:03")),
                    new Option("before year 1", false, e -> e.put("timestamp", "0001-01-01T00:00:00+01:00")),
                    new Option("short fields", false, e -> e.put("timestamp", "2026-1-3T1:2:3Z")),
                    new Option("bad receive", false, e -> e.put("receiveTimestamp", "yesterday")),
                    new Option("receive offset", true, e -> e.put("receiveTimestamp", "2026-11-30T02:02:04.1+01:00"))));
            dimensions.add(List.of(
                    new Option("NOTICE", true, e -> {}),
                    new Option("INFO", true, e -> e.put("severity", "INFO")),
                    new Option("no severity", true, e -> e.remove("severity")),
                    new Option("severity number", false, e -> e.put("severity", 300)),
                    new Option("severity unknown", false, e -> e.put("severity", "LOUD")),
                    new Option("trace", false, e -> e.put("trace", "projects/demo-project/traces/abc").put("spanId", "000000000000004a")),
                    new Option("insertId number", false, e -> e.put("insertId", 42)),
                    new Option("method null", false, e -> payload(e).putNull("methodName"))));
        }

        private Option request(String name, String method, String resourceName) {
            return new Option(name, true, e -> payload(e).put("methodName", method).put("resourceName", resourceName));
        }

        /** Dimension d at option o, every other dimension at a random option; d = -1: all random. */
        Generated entry(int d, int o) {
            ObjectNode e = base(serial++);
            boolean direct = true;
            StringBuilder describe = new StringBuilder();
            for (int i = 0; i < dimensions.size(); i++) {
                List<Option> options = dimensions.get(i);
                // mostly the first options (GKE's usual entries), so most entries read straight from JSON
                Option opt = i == d ? options.get(o) : options.get(random.nextInt(4) == 0
                        ? random.nextInt(options.size()) : random.nextInt(Math.min(options.size(), directCount(options))));
                opt.apply.accept(e);
                direct &= opt.direct;
                describe.append(i == 0 ? "" : ", ").append(opt.name);
            }
            return new Generated(e, direct, describe.toString());
        }

        private static int directCount(List<Option> options) {
            int n = 0;
            while (n < options.size() && options.get(n).direct) {
                n++;
            }
            return n;
        }

        private static ObjectNode base(int i) {
            ObjectNode e = EventJson.MAPPER.createObjectNode();
            String id = String.format("8f3c6a1e-5b2d-4c1a-9f00-%012d", i);
            e.put("insertId", id);
            e.putObject("labels").put("authorization.k8s.io/decision", "allow");
            e.put("logName", "projects/demo-project/logs/cloudaudit.googleapis.com%2Factivity");
            e.putObject("operation").put("first", true).put("id", id).put("last", true).put("producer", "k8s.io");
            ObjectNode p = e.putObject("protoPayload");
            p.put("@type", LogEntryTranslator.AUDIT_LOG_TYPE);
            p.putObject("authenticationInfo").put("principalEmail", "alice@example.com");
            p.putArray("authorizationInfo").addObject().put("granted", true).put("permission", "io.k8s.core.v1.pods.get")
                    .put("resource", "core/v1/namespaces/default/pods/web-1");
            p.put("methodName", "io.k8s.core.v1.pods.get");
            p.putObject("requestMetadata").put("callerIp", "203.0.113.7").put("callerSuppliedUserAgent", "kubectl/v1.31.2");
            p.put("resourceName", "core/v1/namespaces/default/pods/web-1");
            p.put("serviceName", "k8s.io");
            p.putObject("status");
            e.put("receiveTimestamp", "2026-11-30T01:02:04Z");
            e.putObject("resource").put("type", "k8s_cluster").putObject("labels").put("cluster_name", "prod-1")
                    .put("location", "europe-west1").put("project_id", "demo-project");
            e.put("severity", "NOTICE");
            e.put("timestamp", "2026-11-30T01:02:03.4108Z");
            return e;
        }

        private static ObjectNode payload(ObjectNode e) {
            return (ObjectNode) e.get("protoPayload");
        }

        /** A body as GKE logs it: {@code @type} first, Struct numbers (integral ones printed as integers). */
        private static ObjectNode pod(String type) {
            ObjectNode b = EventJson.MAPPER.createObjectNode();
            if (type != null) {
                b.put("@type", type);
            }
            b.putObject("metadata").put("name", "web-1").put("namespace", "default").putObject("labels").put("app", "web");
            ObjectNode c = b.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "nginx:1.27");
            c.putArray("ports").addObject().put("containerPort", 80).put("protocol", "TCP");
            c.putObject("securityContext").put("privileged", true).put("runAsUser", 0).putNull("seLinuxOptions");
            c.putObject("resources").putObject("limits").put("cpu", "500m");
            ((ObjectNode) b.get("spec")).put("terminationGracePeriodSeconds", 30).put("activeDeadlineSeconds", 2.5)
                    .put("ratio", new BigDecimal("0.125")).put("hostNetwork", false).putArray("empty");
            return b;
        }

        private static ObjectNode status(int code, String reason, String status) {
            ObjectNode s = EventJson.MAPPER.createObjectNode();
            s.put("@type", "core.k8s.io/v1.Status");
            s.putObject("metadata");
            s.put("status", status);
            s.put("message", "pods \"web-1\" " + (reason == null ? "deleted" : reason));
            if (reason != null) {
                s.put("reason", reason);
                s.putObject("details").put("name", "web-1").put("kind", "pods");
            }
            s.put("code", code);
            return s;
        }
    }
}
