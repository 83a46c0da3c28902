package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The byte path must give what the tree path gave: for every input it takes, the Event equals (field by field,
 * in the same order, annotations included) the tree read, {@code putAnnotationIfAbsent} each, written back;
 * for every input it refuses, the caller's tree path decides.
 */
class EventBytesTest {
    private static final String HEAD = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"a-1\","
            + "\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/namespaces/x/pods?limit=500\",\"verb\":\"list\","
            + "\"user\":{\"username\":\"alice\",\"groups\":[\"system:authenticated\"]},\"responseStatus\":{\"metadata\":{},\"code\":200},"
            + "\"ratio\":1.50,\"big\":12345678901234567890,\"requestReceivedTimestamp\":\"2025-12-01T08:00:00.000001Z\","
            + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";

    private static Map<String, String> adds(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    private static final Map<String, String> ADD = adds("auditbridge.io/source", "eks", "cluster_name", "prod-1");

    /** What the translators did before: tree, putAnnotationIfAbsent each, written back. */
    private static byte[] treePath(String json, Map<String, String> add) throws Exception {
        Event e = Event.of((ObjectNode) EventJson.MAPPER.readTree(json));
        add.forEach(e::putAnnotationIfAbsent);
        return e.toJsonBytes();
    }

    private static Event bytePath(String json, Map<String, String> add) {
        return EventBytes.passThrough(json.getBytes(StandardCharsets.UTF_8), new EventBytes.Annotations(add));
    }

    private static List<String> fieldOrder(JsonNode n) {
        List<String> names = new ArrayList<>();
        n.fieldNames().forEachRemaining(names::add);
        if (n.path("annotations").isObject()) {
            n.get("annotations").fieldNames().forEachRemaining(k -> names.add("annotations." + k));
        }
        return names;
    }

    private static void assertSameAsTreePath(String json, Map<String, String> add) throws Exception {
        Event fast = bytePath(json, add);
        assertThat(fast).as("byte path taken for %s", json).isNotNull();
        JsonNode expected = EventJson.MAPPER.readTree(treePath(json, add));
        JsonNode actual = EventJson.MAPPER.readTree(fast.toJsonBytes());
        assertThat(actual).isEqualTo(expected);
        assertThat(fieldOrder(actual)).isEqualTo(fieldOrder(expected));
        assertThat(fast.auditId()).isEqualTo(expected.path("auditID").asText());
        assertThat(fast.stage()).isEqualTo(expected.path("stage").isTextual() ? expected.get("stage").asText() : null);
        assertThat(fast.stageTimestamp()).isEqualTo(expected.path("stageTimestamp").asText());
        assertThat(fast.json()).isEqualTo(expected); // the lazy tree is the same tree
        assertThat(new String(fast.toJsonBytes(), StandardCharsets.UTF_8)).doesNotContain("\n");
    }

    @Test
    void compactEventWithoutAnnotationsGetsThemAppendedByteForByteAsTheTreeWouldWriteThem() throws Exception {
        String json = HEAD + "}";
        assertSameAsTreePath(json, ADD);
        // Jackson-compact input: the tree path's bytes and ours are the very same bytes.
        assertThat(bytePath(json, ADD).toJsonBytes()).isEqualTo(treePath(json, ADD));
    }

    @Test
    void addsToExistingAnnotationsWhereverTheyStandAndKeepsTheOnesPresent() throws Exception {
        assertSameAsTreePath(HEAD + ",\"annotations\":{\"authorization.k8s.io/decision\":\"allow\"}}", ADD);
        assertSameAsTreePath(HEAD + ",\"annotations\":{}}", ADD);
        assertSameAsTreePath("{\"annotations\":{\"cluster_name\":\"theirs\"}," + HEAD.substring(1) + "}", ADD);
        assertSameAsTreePath(HEAD + ",\"annotations\":{\"auditbridge.io/source\":\"gke\",\"cluster_name\":null}}", ADD);
        String both = HEAD + ",\"annotations\":{\"auditbridge.io/source\":\"x\",\"cluster_name\":\"y\"}}";
        assertThat(bytePath(both, ADD).toJsonBytes()).isEqualTo(both.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void escapesAndUnicodeAnywhereKeepTheirExactSpellingAndCount() throws Exception {
        String tricky = HEAD + ",\"requestObject\":{\"note\":\"quote \\\" brace } bracket ] \\\\ slash \\/ tab \\t nl \\n\","
                + "\"unicode\":\"caf\u00e9 \u2603 \ud83d\ude80 \\u00e9 \\ud83d\\ude80\",\"\\u0061nnotations\":{\"k\":\"}\"}},"
                + "\"annotations\":{\"reason\":\"RBAC: allowed by \\\"x\\\" {y}\",\"cluster\\u005fname\":\"escaped-key\"}}";
        assertSameAsTreePath(tricky, ADD);
        // The escaped spelling of cluster_name is cluster_name: not added twice.
        assertThat(bytePath(tricky, ADD).json().path("annotations").path("cluster_name").asText()).isEqualTo("escaped-key");
        // Values that need escaping in what we add.
        assertSameAsTreePath(HEAD + "}", adds("cluster_name", "we\"ird\\ \u00e9 \ud83d\ude80 \n"));
    }

    @Test
    void whitespaceBetweenTokensIsKeptAndStillOneLine() throws Exception {
        String spaced = "  { \"kind\" : \"Event\" , \"apiVersion\":\"audit.k8s.io/v1\", \"auditID\" : \"a-2\", "
                + "\"stageTimestamp\" : \"2025-12-01T08:00:00Z\" , \"annotations\" : { \"a\" : \"b\" } }\t ";
        assertSameAsTreePath(spaced, ADD);
        assertSameAsTreePath("{\"auditID\":\"a-3\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"annotations\": { } }", ADD);
    }

    @Test
    void nothingToAddKeepsTheBytesAndBuildsNoTree() {
        String json = HEAD + ",\"annotations\":{\"auditbridge.io/source\":\"eks\",\"cluster_name\":\"prod-1\"}}";
        Event e = bytePath(json, ADD);
        assertThat(e.toJsonBytes()).isEqualTo(json.getBytes(StandardCharsets.UTF_8));
        assertThat(e.dedupeKey()).isEqualTo("a-1\u0000ResponseComplete");
        assertThat(bytePath(HEAD + "}", Map.of()).toJsonBytes()).isEqualTo((HEAD + "}").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aLazyEventChangedLaterIsWrittenFromItsTree() {
        Event e = bytePath(HEAD + "}", ADD);
        e.putAnnotation("auditbridge.io/missing", "requestObject");
        assertThat(e.json().path("annotations").path("auditbridge.io/missing").asText()).isEqualTo("requestObject");
        assertThat(new String(e.toJsonBytes(), StandardCharsets.UTF_8)).contains("\"cluster_name\":\"prod-1\",\"auditbridge.io/missing\":\"requestObject\"}");
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"kind\":\"Event\",\"auditID\":\"a\",\n\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}", // not one line
            "{\"kind\":\"Event\",\"auditID\":\"a\",\r\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"kind\":\"Event\",\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"x\":\"raw\nbreak\"}",
            "{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"items\":[]}",
            "{\"kind\":\"Event\",\"apiVersion\":\"v1\",\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"kind\":7,\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"auditID\":\"\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"auditID\":5,\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"auditID\":\"a\"}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"yesterday\"}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-02-30T08:00:00Z\"}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"annotations\":null}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"annotations\":[]}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"annotations\":{},\"annotations\":{}}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"} x",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}{\"auditID\":\"b\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"requestObject\":{\"a\":tru}}",
            "{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\",\"x\":\"cut [Truncated...]",
            "[{\"auditID\":\"a\",\"stageTimestamp\":\"2025-12-01T08:00:00Z\"}]",
            "{}", "", "   ", "{"})
    void anythingButOneCompactValidEventIsLeftToTheTreePath(String json) {
        assertThat(bytePath(json, ADD)).isNull();
    }

    @Test
    void theFastTimestampCheckAgreesWithTheFormatter() {
        for (String t : List.of("2025-12-01T08:00:00Z", "2025-12-01T08:00:00.1Z", "2025-12-01T08:00:00.123456789Z",
                "2025-12-01T08:00:00.1234567890Z", "2025-12-01T08:00:00.Z", "2024-02-29T00:00:00Z", "2025-02-29T00:00:00Z",
                "2025-04-31T00:00:00Z", "2025-12-01T24:00:00Z", "2025-12-01T23:60:00Z", "2025-12-01T23:59:60Z",
                "2025-13-01T00:00:00Z", "2025-00-01T00:00:00Z", "2025-12-00T00:00:00Z", "2025-12-01t08:00:00z",
                "2025-12-01T08:00:00+02:00", "2025-12-01T08:00:00.5-07:00", "2025-12-01 08:00:00Z", "0000-01-01T00:00:00Z",
                "+12025-12-01T08:00:00Z", "2025-12-01T08:00Z", "2025-1a-01T08:00:00Z", "2025-12-01T08:00:00.12a4Z")) {
            boolean formatter;
            try {
                OffsetDateTime.parse(t, DateTimeFormatter.ISO_OFFSET_DATE_TIME);
                formatter = true;
            } catch (DateTimeParseException e) {
                formatter = false;
            }
            assertThat(EventValidation.isRfc3339(t)).as(t).isEqualTo(formatter);
        }
    }

    @Test
    void utf8OfParserTextMatchesTheJdkAndRefusesLoneSurrogates() {
        for (String s : List.of("", "plain ascii", "caf\u00e9", "\u2603 snow", "rocket \ud83d\ude80 end", "\u0000\u007f\u0080\u07ff\u0800\uffff")) {
            char[] padded = ("xx" + s + "yy").toCharArray();
            assertThat(EventBytes.utf8(padded, 2, s.length())).as(s).isEqualTo(s.getBytes(StandardCharsets.UTF_8));
        }
        assertThat(EventBytes.utf8("a\ud83d".toCharArray(), 0, 2)).isNull();
        assertThat(EventBytes.utf8("\ude80a".toCharArray(), 0, 2)).isNull();
        assertThat(EventBytes.utf8("\ud83d\ude80".toCharArray(), 0, 1)).isNull(); // a pair cut by the range
    }
}
