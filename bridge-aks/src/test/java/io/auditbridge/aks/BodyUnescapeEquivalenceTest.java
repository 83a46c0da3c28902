package io.auditbridge.aks;

import static org.assertj.core.api.Assertions.assertThat;

import io.auditbridge.core.Event;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translation;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * properties.log unescaped straight from the message body's bytes must give exactly what reading it through the
 * parser's text gave: the same Events byte for byte, the same record errors (code, record id, auditID, detail,
 * dead-letter), the same skips; for escapes, surrogates, control characters, logs that are not Events, and bodies
 * that are malformed or cut short.
 */
class BodyUnescapeEquivalenceTest {
    private static final String RID = "/SUBSCRIPTIONS/0000/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.CONTAINERSERVICE/MANAGEDCLUSTERS/AKS-EDGE";
    private static final String BASE = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x-1\",\"stage\":\"ResponseComplete\","
            + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";

    private static List<String> described(Translation t) {
        List<String> out = new ArrayList<>();
        for (Event e : t.events()) {
            out.add("event " + new String(e.toJsonBytes(), StandardCharsets.UTF_8) + " " + e.auditId() + " " + e.stage() + " " + e.stageTimestamp());
        }
        t.errors().forEach(e -> out.add("error " + e));
        out.add("skipped " + t.skipped());
        return out;
    }

    private static void assertSameBothWays(byte[] body, ClusterNaming naming) {
        DiagnosticRecordTranslator fromBody = new DiagnosticRecordTranslator(DiagnosticRecordTranslator.AUDIT_CATEGORIES, naming);
        DiagnosticRecordTranslator fromText = new DiagnosticRecordTranslator(DiagnosticRecordTranslator.AUDIT_CATEGORIES, naming);
        fromText.unescapeFromBody = false;
        SourceRecord<byte[]> message = new SourceRecord<>("m", null, "p0/seq1", body);
        assertThat(described(fromBody.translate(message))).as(new String(body, StandardCharsets.UTF_8))
                .isEqualTo(described(fromText.translate(message)));
    }

    private static String record(String category, String logJsonString) {
        return "{\"category\":\"" + category + "\",\"resourceId\":\"" + RID + "\",\"properties\":{\"log\":" + logJsonString
                + ",\"stream\":\"stdout\"},\"time\":\"2025-12-01T08:00:00Z\"}";
    }

    private static String quoted(String text) {
        return EventJson.toString(EventJson.MAPPER.getNodeFactory().textNode(text));
    }

    private static byte[] body(List<String> records) {
        return ("{\"records\":[" + String.join(",", records) + "]}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void fixtureBodies() throws Exception {
        for (String fixture : List.of("mixed-categories.json", "both-categories.json", "bad-logs.json", "not-an-envelope.json")) {
            byte[] body = DiagnosticRecordTranslatorTest.body(fixture);
            assertSameBothWays(body, ClusterNaming.FROM_RESOURCE_ID);
            assertSameBothWays(body, new ClusterNaming("aks-Prod", false));
        }
        for (String line : new String(DiagnosticRecordTranslatorTest.body("messages.ndjson"), StandardCharsets.UTF_8).split("\n")) {
            assertSameBothWays(line.getBytes(StandardCharsets.UTF_8), ClusterNaming.FROM_RESOURCE_ID);
        }
    }

    /** Logs written as JSON strings by hand: the escapes Diagnostic Settings may use, and the bad ones. */
    @Test
    void escapesSurrogatesAndControlCharacters() {
        String ev = "{" + BASE + ",\"requestObject\":{\"s\":\"%s\"}}";
        List<String> logStrings = List.of(
                // Jackson's own escaping of Events holding every kind of character
                quoted(ev.formatted("caf\u00e9 \u2603 \ud83d\ude80 \\u00e9 \\ud83d\\ude80 \\\\ \\/ \\\" \\n")),
                quoted("{" + BASE + "}\n"),
                quoted("{" + BASE + ",\"annotations\":{\"cluster_name\":\"own\",\"auditbridge.io/source\":\"x\"}}"),
                // hand escapes: backslash-slash, u-escapes for ASCII, upper- and lower-case hex, a pair escaped, raw UTF-8
                "\"{\\\"kind\\\":\\\"Event\\\",\\\"apiVersion\\\":\\\"audit.k8s.io\\/v1\\\",\\\"auditID\\\":\\\"\\u0078-2\\\",\\\"stage\\\":\\\"ResponseComplete\\\","
                        + "\\\"stageTimestamp\\\":\\\"2025-12-01T08:00:00.003456Z\\\",\\\"s\\\":\\\"\\uD83D\\uDE80\\ud83d\\ude80 \u00e9\ud83d\ude80\\u00E9\\\"}\"",
                // quotes in the outer string escaped as u0022
                "\"{\\u0022kind\\u0022:\\u0022Event\\u0022," + BASE.replace("\"", "\\\"") + "}\"",
                // lone surrogates, escaped: no UTF-8 for the log, the parser's text decides
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\ud800\\\"}\"",
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\udc00\\ud800\\\"}\"",
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\ud83d\\u0041\\\"}\"",
                // escaped control characters inside the log's own strings, and raw ones in the Event (not JSON there)
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\\\u0001\\\\t\\\"}\"",
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"a\\tb\\u0000\\\"}\"",
                "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"\\u001f\\\"}\"",
                // logs that are not an Event, empty, blank, truncated at 16 KiB, not JSON
                quoted(""), quoted("   \n"), quoted("null"), quoted("[{" + BASE + "}]"), quoted("{\"kind\":\"EventList\",\"items\":[]}"),
                quoted("{" + BASE + ",\"requestObject\":{\"cut\":\"abc"), quoted("{" + BASE.replace("x-1", "") + "}"),
                quoted("{" + BASE + ",\n\"pretty\":true}"), quoted("not json at all"), quoted("{" + BASE + "} trailing"),
                // not a string at all
                "{\"a\":1}", "42", "null");
        List<String> records = new ArrayList<>();
        for (String log : logStrings) {
            records.add(record("kube-audit", log));
            assertSameBothWays(body(List.of(record("kube-audit", log))), ClusterNaming.FROM_RESOURCE_ID);
        }
        records.add(record("kube-apiserver", quoted("I1201 klog line")));
        assertSameBothWays(body(records), ClusterNaming.FROM_RESOURCE_ID);
        assertSameBothWays(body(records), new ClusterNaming("edge \"quoted\" \u00e9", false));
    }

    /** Bodies that are not JSON as a whole: one not_envelope error with the body, whichever way the log is read. */
    @Test
    void malformedAndTruncatedBodies() {
        String good = record("kube-audit", quoted("{" + BASE + "}"));
        List<String> bodies = List.of(
                "{\"records\":[" + good + "," + record("kube-audit", "\"{\\\"kind\\\":\\\"Event\u0001\\\"}\"") + "]}", // raw control char
                "{\"records\":[" + good + "," + record("kube-audit", "\"{\\x}\"") + "]}", // unknown escape
                "{\"records\":[" + good + "," + record("kube-audit", "\"{\\u12\"") + "]}", // a short u-escape
                "{\"records\":[" + record("kube-audit", "\"{" + BASE.replace("\"", "\\\"")), // cut inside the log
                "{\"records\":[" + good, // cut after a record
                "{\"records\":[" + good + "]", // cut at the end
                "{\"records\":[" + good + "]}}", // one brace too many
                "{\"records\":[" + good + "]} {\"records\":[]}");
        for (String b : bodies) {
            assertSameBothWays(b.getBytes(StandardCharsets.UTF_8), ClusterNaming.FROM_RESOURCE_ID);
        }
        // bytes that are not UTF-8 in the log
        for (int[] bad : new int[][] {{0xC3}, {0xC0, 0x80}, {0xED, 0xA0, 0x80}, {0xF4, 0x90, 0x80, 0x80}, {0xFF}, {0xE2, 0x98}}) {
            byte[] head = ("{\"records\":[" + record("kube-audit", "\"{" + BASE.replace("\"", "\\\"") + ",\\\"x\\\":\\\"")).getBytes(StandardCharsets.UTF_8);
            byte[] tail = "\\\"}\"".concat(",\"stream\":\"stdout\"}}]}").getBytes(StandardCharsets.UTF_8);
            byte[] b = new byte[head.length + bad.length + tail.length];
            System.arraycopy(head, 0, b, 0, head.length);
            for (int i = 0; i < bad.length; i++) {
                b[head.length + i] = (byte) bad[i];
            }
            System.arraycopy(tail, 0, b, head.length + bad.length, tail.length);
            assertSameBothWays(b, ClusterNaming.FROM_RESOURCE_ID);
        }
    }

    /** Envelopes of every shape: the byte path reads the plain ones, hands the rest to the parser, same result. */
    @Test
    void envelopeShapes() {
        String log = quoted("{" + BASE + "}");
        String good = record("kube-audit", log);
        List<String> bodies = List.of(
                "{\"records\":[]}", "{\"records\":[" + good + "]}", "  {\"records\":[" + good + "]}  ", "{\"records\":[" + good + "]}\r\n",
                "{\"records\":[" + good + "]} trailing", "{\"records\":[" + good + "]}{\"records\":[]}",
                "{\"other\":{\"a\":[1,2,{\"b\":null}]},\"records\":[" + good + "],\"more\":\"x\"}",
                "{\"records\":[" + good + "],\"records\":[" + good + "]}", "{\"records\":{}}", "{\"records\":null}", "{}", "[]", "\"x\"", "",
                "{\"records\":[1,\"s\",null,[]," + good + ",{}]}",
                "{ \"records\" : [ { \"category\" : \"kube-audit\" , \"properties\" : { \"log\" : " + log + " } } ] }",
                "{\n\"records\":[" + good + "]}",
                "{\"records\":[{\"properties\":{\"log\":" + log + "},\"category\":\"kube-audit\"}]}", // log before category
                "{\"records\":[{\"category\":\"kube-audit\",\"category\":\"kube-apiserver\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"properties\":{\"log\":" + log + ",\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"properties\":{\"log\":" + log + "},\"properties\":{}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"properties\":{\"log\":1}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"properties\":{}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"properties\":[]}]}",
                "{\"records\":[{\"category\":\"kube-audit\"}]}",
                "{\"records\":[{\"category\":7,\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-apiserver\",\"properties\":{\"log\":\"I1201 \\\"klog\\\"\"}}]}",
                "{\"records\":[{\"category\":\"\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"\\u0063ategory\":\"kube-audit\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-\\u0061udit\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"resourceId\":\"/x/managedClusters/caf\u00e9\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"resourceId\":\"/x/managedClusters/\\u0041\",\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"resourceId\":null,\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[" + good + "," + good.replace("x-1", "x-2") + "," + record("kube-audit-admin", log) + "]}",
                "{\"records\":[" + good + ",]}", "{\"records\":[" + good + " " + good + "]}", "{\"records\":[" + good + "]",
                "{\"records\":[" + good.substring(0, good.length() - 1) + ",}]}", "{\"records\":[{\"category\":\"kube-audit\",\"properties\":{\"log\":" + log + ",}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"x\":01,\"properties\":{\"log\":" + log + "}}]}",
                "{\"records\":[{\"category\":\"kube-audit\",\"x\":" + "[".repeat(400) + "]".repeat(400) + ",\"properties\":{\"log\":" + log + "}}]}");
        for (String b : bodies) {
            assertSameBothWays(b.getBytes(StandardCharsets.UTF_8), ClusterNaming.FROM_RESOURCE_ID);
            assertSameBothWays(b.getBytes(StandardCharsets.UTF_8), new ClusterNaming(null, true));
        }
    }

    /** Generated Events of random text, escaped by Jackson and at random by hand, many records to a body. */
    @Test
    void randomEvents() {
        Random rnd = new Random(15);
        char[] alphabet = "aZ09 \"\\/\b\f\n\r\t\u0000\u001f\u007f\u00e9\u2603\ufeff{}:,".toCharArray();
        for (int round = 0; round < 1000; round++) {
            List<String> records = new ArrayList<>();
            for (int r = 0; r < 1 + rnd.nextInt(8); r++) {
                StringBuilder text = new StringBuilder();
                for (int i = rnd.nextInt(30); i > 0; i--) {
                    int k = rnd.nextInt(20);
                    if (k == 0) {
                        text.appendCodePoint(0x10000 + rnd.nextInt(0x100000));
                    } else if (k == 1 && rnd.nextInt(10) == 0) {
                        text.append((char) (0xD800 + rnd.nextInt(0x800)));
                    } else {
                        text.append(alphabet[rnd.nextInt(alphabet.length)]);
                    }
                }
                String event = "{" + BASE.replace("x-1", "x-" + r) + ",\"annotations\":{" + (rnd.nextBoolean() ? "\"cluster_name\":\"c\"" : "")
                        + "},\"requestObject\":{\"s\":" + quoted(text.toString()) + "}}";
                if (rnd.nextInt(10) == 0) {
                    event = event.substring(0, rnd.nextInt(event.length())); // cut, as at AKS's 16 KiB limit
                }
                if (rnd.nextInt(4) == 0) { // raw control characters in the Event: whitespace between tokens, or not JSON
                    int at = rnd.nextInt(event.length() + 1);
                    event = event.substring(0, at) + "\b\f\t\n\r\u0001 ".charAt(rnd.nextInt(7)) + event.substring(at);
                }
                String log = quoted(event);
                if (rnd.nextBoolean()) { // the same string, some characters escaped another way
                    StringBuilder hand = new StringBuilder();
                    for (int i = 0; i < log.length(); i++) {
                        char c = log.charAt(i);
                        if (i > 0 && i < log.length() - 1 && c != '\\' && log.charAt(i - 1) != '\\' && rnd.nextInt(5) == 0) {
                            hand.append(String.format(rnd.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                        } else {
                            hand.append(c);
                        }
                    }
                    log = hand.toString();
                }
                records.add(record(rnd.nextInt(6) == 0 ? "kube-audit-admin" : "kube-audit", log));
            }
            assertSameBothWays(body(records), ClusterNaming.FROM_RESOURCE_ID);
        }
    }
}
