package io.auditbridge.eks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.auditbridge.core.EventJson;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AnnotationSplicerTest {
    private final AnnotationSplicer splicer = new AnnotationSplicer(annotations());

    private static Map<String, String> annotations() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("auditbridge.io/source", "eks");
        m.put("cluster_name", "prod \"eks\" 01");
        return m;
    }

    private String splice(String json) {
        byte[] out = splicer.splice(json.getBytes(StandardCharsets.UTF_8));
        return out == null ? null : new String(out, StandardCharsets.UTF_8);
    }

    /** The splice result is what adding the missing annotations to the parsed tree and writing it gives. */
    private static void assertSameAsTreeEdit(String original, String spliced) throws Exception {
        ObjectNode expected = (ObjectNode) EventJson.MAPPER.readTree(original);
        JsonNode existing = expected.get("annotations");
        ObjectNode a = existing instanceof ObjectNode o ? o : expected.putObject("annotations");
        annotations().forEach((k, v) -> {
            if (!a.has(k)) {
                a.put(k, v);
            }
        });
        assertThat(spliced).isEqualTo(EventJson.toString(expected));
    }

    @Test
    void appendsToTheTopLevelAnnotationsNotToNestedOnes() throws Exception {
        String json = "{\"kind\":\"Event\",\"requestObject\":{\"metadata\":{\"annotations\":{\"a\":\"[x],{y}\"}}},"
                + "\"sourceIPs\":[\"1.2.3.4\",\"::1\"],\"annotations\":{\"authorization.k8s.io/decision\":\"allow\",\"q\":\"\\\"}\"}}";
        assertSameAsTreeEdit(json, splice(json));
    }

    @Test
    void addsAnAnnotationsObjectWhenThereIsNoneOrFillsAnEmptyOne() throws Exception {
        String none = "{\"kind\":\"Event\",\"objectRef\":{\"annotations\":\"not top level\"},\"level\":\"Metadata\"}";
        assertSameAsTreeEdit(none, splice(none));
        String empty = "{\"kind\":\"Event\",\"annotations\":{}}";
        assertSameAsTreeEdit(empty, splice(empty));
    }

    @Test
    void keepsExistingValuesAndReturnsTheSameTextWhenNothingIsMissing() throws Exception {
        String withCluster = "{\"kind\":\"Event\",\"annotations\":{\"cluster_name\":\"other\"}}";
        assertSameAsTreeEdit(withCluster, splice(withCluster));
        byte[] complete = "{\"annotations\":{\"auditbridge.io/source\":\"gke\",\"cluster_name\":\"c\"}}".getBytes(StandardCharsets.UTF_8);
        assertThat(splicer.splice(complete)).isSameAs(complete);
    }

    @Test
    void theLastMemberShortcutAgreesWithTheFullScan() throws Exception {
        for (String json : new String[] {
                "{\"kind\":\"Event\",\"x\":{\"annotations\":{}},\"annotations\":{\"a\":\"}{\\\"\",\"b\":\"c\"}}",
                "{\"kind\":\"Event\",\"annotations\":{\"n\":{\"deep\":[1,2,{\"cluster_name\":\"not ours\"}]}}}",
                "{\"kind\":\"Event\",\"annotations\":{\"r\":\"allowed by \\\"x\\\" of \\\\\",\"s\":\"\\\\\"}}",
                "{\"kind\":\"Event\",\"requestObject\":{\"annotations\":{\"k\":\"v\"}}}",
                "{\"kind\":\"Event\",\"annotations\":{\"cluster_name\":\"mine\"}}"}) {
            assertSameAsTreeEdit(json, splice(json));
        }
    }

    @Test
    void keepsTheOriginalSpacing() {
        assertThat(splice("{\"kind\":\"Event\", \"annotations\" : { } }"))
                .isEqualTo("{\"kind\":\"Event\", \"annotations\" : { \"auditbridge.io/source\":\"eks\",\"cluster_name\":\"prod \\\"eks\\\" 01\"} }");
    }

    @Test
    void refusesWhatItCannotReadSafely() {
        assertThat(splice("{\"kind\":\"Event\",\"annot\\u0061tions\":{\"x\":\"y\"}}")).isNull();
        assertThat(splice("{\"kind\":\"Event\",\"annotations\":{\"cl\\u0075ster_name\":\"escaped\"}}")).isNull();
        assertThat(splice("{\"kind\":\"Event\",\"annotations\":null}")).isNull();
        assertThat(splice("{\"kind\":\"Event\",\"annotations\":\"x\"}")).isNull();
        assertThat(splice("{\"kind\":\"Event\",\"auditID\":\"abc")).isNull();
        assertThat(splice("[{\"kind\":\"Event\"}]")).isNull();
        assertThat(splice("{\"a\":1}}")).isNull();
    }
}
