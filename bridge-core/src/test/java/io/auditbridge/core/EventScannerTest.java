package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The byte scanner against Jackson's scan: whenever it answers, Jackson reads the same text to the same fields
 * (kind, apiVersion, auditID, stage, stageTimestamp, the problem flag, the annotations object's end, emptiness and
 * which of the added keys it holds); on realistic Events it does answer.
 */
class EventScannerTest {
    private static final EventBytes.Annotations ADD = new EventBytes.Annotations(
            new LinkedHashMap<>(Map.of("cluster_name", "c", "auditbridge.io/source", "aks")));
    private static final String BASE = "\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"x-1\",\"stage\":\"ResponseComplete\","
            + "\"stageTimestamp\":\"2025-12-01T08:00:00.003456Z\"";

    private static String fields(EventBytes.Scan s) {
        return s == null ? "null" : String.join("|", s.kind, s.apiVersion, s.auditId, s.stage, s.stageTimestamp,
                "" + s.problem, "" + s.sawAnnotations, "" + s.annotationsClose, "" + s.annotationsEmpty, Arrays.toString(s.present));
    }

    /** Checks one text; true when the byte scanner answered. */
    private static boolean agree(byte[] b) {
        if (b.length < 2 || b[0] != '{' || b[b.length - 1] != '}') {
            return false;
        }
        EventBytes.Scan fast = EventScanner.scan(b, 0, b.length, ADD);
        if (fast == null) {
            return false;
        }
        assertThat(fields(fast)).as(new String(b, StandardCharsets.UTF_8)).isEqualTo(fields(EventBytes.scan(b, 0, b.length, ADD)));
        return true;
    }

    private static boolean agree(String s) {
        return agree(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void realisticEventsAreTakenAndAgree() {
        assertThat(agree("{" + BASE + "}")).isTrue();
        assertThat(agree("{" + BASE + ",\"annotations\":{}}")).isTrue();
        assertThat(agree("{" + BASE + ",\"annotations\":{\"cluster_name\":\"own\",\"a\":\"b\"}}")).isTrue();
        assertThat(agree("{\"annotations\":{\"auditbridge.io/source\":\"x\"}, " + BASE + "}")).isTrue();
        assertThat(agree("{ " + BASE + " , \"requestObject\" : { \"a\" : [ 1 , -2.50e+3 , 0 , -0.0E-1 , true , false , null , \"\\\" } ]\\u00e9\\ud83d\" ] } , \"n\":{}, \"m\":[] }")).isTrue();
        assertThat(agree("{" + BASE + ",\"s\":\"caf\u00e9 \u2603 \ud83d\ude80\"}")).isTrue();
        assertThat(agree("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"a\",\"stageTimestamp\":\"x\"}")).isTrue();
        assertThat(agree("{}")).isTrue();
    }

    @Test
    void declinesWhatItDoesNotTakeAndJacksonDecides() {
        for (String s : List.of(
                "{" + BASE + ",\n\"a\":1}", "{" + BASE + ",\r\"a\":1}", "{" + BASE + ",\"kind\":\"Event\"}",
                "{" + BASE + ",\"annotations\":{},\"annotations\":{}}", "{" + BASE + ",\"annotations\":null}",
                "{\"\\u006bind\":\"Event\"}", "{" + BASE + ",\"annotations\":{\"cluster\\u005fname\":\"x\"}}",
                "{\"auditID\":\"a\\u0062\"}", "{" + BASE + ",\"a\":01}", "{" + BASE + ",\"a\":1.}", "{" + BASE + ",\"a\":.5}",
                "{" + BASE + ",\"a\":+1}", "{" + BASE + ",\"a\":1e}", "{" + BASE + ",\"a\":NaN}", "{" + BASE + ",\"a\":tru}",
                "{" + BASE + ",\"a\":truex}", "{" + BASE + ",\"a\":[1,]}", "{" + BASE + ",}", "{" + BASE + ",\"a\":\"\\x\"}",
                "{" + BASE + ",\"a\":\"\t\"}", "{" + BASE + "}}", "{" + BASE + "} {}", "{" + BASE + ",\"a\":\"1" + "1".repeat(200) + "\"}",
                "{" + BASE + ",\"a\":" + "1".repeat(101) + "}", "{" + BASE + ",\"a\":" + "[".repeat(300) + "]".repeat(300) + "}",
                "{'a':1}", "{" + BASE + ",\"a\":1 2}", "{" + BASE + " \"a\":1}", "{" + BASE + ",\"a\"1}", "{" + BASE + ",\"a\":\"\\u12\"}")) {
            agree(s); // whatever it answers, Jackson agrees
        }
        assertThat(agree("{" + BASE + ",\n\"a\":1}")).isFalse();
        assertThat(agree("{" + BASE + ",\"kind\":\"Event\"}")).isFalse();
        assertThat(agree("{" + BASE + ",\"a\":01}")).isFalse();
        assertThat(agree("{" + BASE + ",\"a\":" + "1".repeat(101) + "}")).isFalse();
        assertThat(agree("{" + BASE + ",\"a\":[1,]}")).isFalse();
    }

    /** Random Events of every JSON shape, then the same cut, with bytes changed, inserted or dropped. */
    @Test
    void randomTextsAndMutationsAgree() {
        Random rnd = new Random(Long.getLong("seed", 2026));
        String[] keys = {"kind", "apiVersion", "auditID", "stage", "stageTimestamp", "annotations", "level", "a", "caf\u00e9", "k\\u0069nd", "\\n"};
        String[] tokens = {"\"", "\\", ",", ":", "{", "}", "[", "]", " ", "\t", "\n", "0", "1", "-", ".", "e", "E", "+", "t", "f", "n",
                "u", "a", "\u00e9", "\u0001", "\\u", "\\ud83d", "true", "null"};
        int taken = 0;
        int total = 0;
        for (int round = 0; round < Integer.getInteger("rounds", 40_000); round++) {
            StringBuilder sb = new StringBuilder("{");
            if (rnd.nextInt(4) > 0) {
                sb.append(BASE);
            }
            for (int f = rnd.nextInt(5); f > 0; f--) {
                if (sb.length() > 1) {
                    sb.append(',');
                }
                String key = keys[rnd.nextInt(keys.length)];
                sb.append('"').append(key).append("\":");
                if (key.equals("annotations") && rnd.nextInt(4) > 0) {
                    sb.append('{');
                    for (int a = rnd.nextInt(3); a > 0; a--) {
                        sb.append(rnd.nextBoolean() ? "\"cluster_name\":" : rnd.nextBoolean() ? "\"auditbridge.io/source\":" : "\"x\":");
                        value(sb, rnd, 0);
                        sb.append(a > 1 ? "," : "");
                    }
                    sb.append('}');
                } else {
                    value(sb, rnd, 0);
                }
            }
            sb.append('}');
            String text = sb.toString();
            total++;
            if (agree(text)) {
                taken++;
            }
            for (int m = 0; m < 3; m++) {
                StringBuilder mutated = new StringBuilder(text);
                int at = 1 + rnd.nextInt(Math.max(1, mutated.length() - 2));
                switch (rnd.nextInt(3)) {
                    case 0 -> mutated.insert(at, tokens[rnd.nextInt(tokens.length)]);
                    case 1 -> mutated.deleteCharAt(at);
                    default -> mutated.replace(at, at + 1, tokens[rnd.nextInt(tokens.length)]);
                }
                agree(mutated.toString());
            }
            byte[] bytes = text.getBytes(StandardCharsets.UTF_8); // and any byte at all, UTF-8 or not
            bytes[1 + rnd.nextInt(Math.max(1, bytes.length - 2))] = (byte) rnd.nextInt(256);
            agree(bytes);
        }
        assertThat(taken).as("texts the byte scanner answered for, of %d", total).isGreaterThan(total / 4);
    }

    private static void value(StringBuilder sb, Random rnd, int depth) {
        switch (rnd.nextInt(depth > 3 ? 5 : 8)) {
            case 0 -> sb.append(List.of("0", "-1", "12.50", "1e5", "-0.5E-3", "123456789012345678901234567890").get(rnd.nextInt(6)));
            case 1 -> sb.append(List.of("true", "false", "null").get(rnd.nextInt(3)));
            case 2, 3, 4 -> sb.append(List.of("\"\"", "\"Event\"", "\"audit.k8s.io/v1\"", "\"caf\u00e9\"", "\"a\\\"b\\\\c\\/\\n\\u00e9\"",
                    "\"\\ud83d\\ude80\"", "\"2025-12-01T08:00:00Z\"", "\"\ud83d\ude80\"").get(rnd.nextInt(8)));
            case 5 -> {
                sb.append('[');
                for (int k = rnd.nextInt(3); k > 0; k--) {
                    value(sb, rnd, depth + 1);
                    sb.append(k > 1 ? "," : "");
                }
                sb.append(']');
            }
            default -> {
                sb.append(rnd.nextBoolean() ? "{" : "{ ");
                for (int k = rnd.nextInt(3); k > 0; k--) {
                    sb.append("\"k").append(k).append(rnd.nextBoolean() ? "\" : " : "\":");
                    value(sb, rnd, depth + 1);
                    sb.append(k > 1 ? "," : "");
                }
                sb.append('}');
            }
        }
    }
}
