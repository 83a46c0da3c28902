package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link JsonStringBytes#unescape} against Jackson: whenever it takes a string, the bytes are exactly the UTF-8 of
 * the value Jackson reads (as {@link EventBytes#utf8} encodes it) and the closing quote is the one Jackson ends at;
 * what it declines (-1) is either not JSON or a value without plain UTF-8 (a lone surrogate).
 */
class JsonStringBytesTest {
    /** What Jackson makes of {@code "…"} given as its raw bytes: the value's UTF-8, or null when it fails or has no UTF-8. */
    private static byte[] jackson(byte[] quoted) {
        try (JsonParser p = EventJson.MAPPER.createParser(quoted)) {
            if (p.nextToken() != JsonToken.VALUE_STRING) {
                return null;
            }
            byte[] utf8 = EventBytes.utf8(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            return p.nextToken() == null ? utf8 : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Checks one string literal (the bytes between and including its quotes, then a tail) both ways. */
    private static void agree(byte[] literal) {
        byte[] src = Arrays.copyOf(literal, literal.length + 3);
        src[literal.length] = ',';
        src[literal.length + 1] = '"'; // a later quote must not be taken for the end
        src[literal.length + 2] = '}';
        JsonStringBytes.Buffer out = new JsonStringBytes.Buffer(1); // small: growth is exercised too
        int end = JsonStringBytes.unescape(src, 1, src.length, out);
        if (end >= 0) {
            // the string it took, up to the quote it stopped at, is one Jackson reads to the same value
            byte[] expected = jackson(Arrays.copyOf(src, end + 1));
            assertThat(expected).as(show(literal)).isNotNull();
            assertThat(Arrays.copyOf(out.bytes(), out.length())).as(show(literal)).isEqualTo(expected);
            if (jackson(literal) != null) {
                assertThat(end).as(show(literal)).isEqualTo(literal.length - 1);
            }
        }
        // Declined: fine only if Jackson fails too, or the value has no plain UTF-8, or it is one of the rare
        // forms this does not take (checked by the callers' fallback, not here).
    }

    private static String show(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static byte[] q(String json) {
        return ("\"" + json + "\"").getBytes(StandardCharsets.UTF_8);
    }

    private static int unescape(String json) {
        byte[] src = q(json);
        return JsonStringBytes.unescape(src, 1, src.length, new JsonStringBytes.Buffer(8));
    }

    private static String value(String json) {
        byte[] src = q(json);
        JsonStringBytes.Buffer out = new JsonStringBytes.Buffer(8);
        assertThat(JsonStringBytes.unescape(src, 1, src.length, out)).as(json).isEqualTo(src.length - 1);
        agree(src);
        return new String(out.bytes(), 0, out.length(), StandardCharsets.UTF_8);
    }

    @Test
    void everyStandardEscape() {
        assertThat(value("a\\\"b\\\\c\\/d\\be\\ff\\ng\\rh\\ti")).isEqualTo("a\"b\\c/d\be\ff\ng\rh\ti");
        assertThat(value("\\u0041\\u00e9\\u00E9\\u2603\\u0000\\u001f\\u007F")).isEqualTo("A\u00e9\u00e9\u2603\u0000\u001f\u007f");
        assertThat(value("")).isEmpty();
        assertThat(value("{\\\"kind\\\":\\\"Event\\\"}\\n")).isEqualTo("{\"kind\":\"Event\"}\n");
    }

    @Test
    void surrogatePairsEscapedOrRawAreOneCharacter() {
        assertThat(value("\\ud83d\\ude80")).isEqualTo("\ud83d\ude80");
        assertThat(value("\\uD83D\\uDE80x")).isEqualTo("\ud83d\ude80x");
        assertThat(value("raw \ud83d\ude80 caf\u00e9 \u2603 \uffff")).isEqualTo("raw \ud83d\ude80 caf\u00e9 \u2603 \uffff");
    }

    @Test
    void declinesWhatHasNoPlainUtf8OrIsNotJson() {
        for (String s : List.of("\\ud83d", "\\ud83dx", "\\ud83d\\u0041", "\\ude80", "\\ud83d\\ud83d", "\\ud83d\\n",
                "\\x", "\\'", "\\u12", "\\u12g4", "\\", "a\tb", "a\nb", "\u0001", "unterminated")) {
            byte[] src = s.equals("unterminated") ? "\"abc".getBytes(StandardCharsets.US_ASCII) : q(s);
            assertThat(JsonStringBytes.unescape(src, 1, src.length, new JsonStringBytes.Buffer(8))).as(s).isEqualTo(-1);
        }
        // bytes that are not well-formed UTF-8: cut short, overlong, a surrogate, above U+10FFFF, a stray continuation
        for (int[] bad : new int[][] {{0xC3}, {0xC0, 0x80}, {0xC1, 0xBF}, {0xE0, 0x9F, 0xBF}, {0xED, 0xA0, 0x80},
                {0xF0, 0x8F, 0xBF, 0xBF}, {0xF4, 0x90, 0x80, 0x80}, {0xF5, 0x80, 0x80, 0x80}, {0x80}, {0xE2, 0x98}, {0xFF}}) {
            byte[] src = new byte[bad.length + 2];
            src[0] = '"';
            for (int i = 0; i < bad.length; i++) {
                src[i + 1] = (byte) bad[i];
            }
            src[src.length - 1] = '"';
            assertThat(JsonStringBytes.unescape(src, 1, src.length, new JsonStringBytes.Buffer(8))).as(Arrays.toString(bad)).isEqualTo(-1);
        }
    }

    @Test
    void agreesWithJacksonOnRandomStrings() throws IOException {
        Random rnd = new Random(42);
        char[] alphabet = "aZ09 \"\\/\b\f\n\r\t\u0000\u001f\u007f\u0080\u00e9\u07ff\u0800\u2603\ufeff\uffff{}:,".toCharArray();
        for (int round = 0; round < 20_000; round++) {
            StringBuilder text = new StringBuilder();
            int len = rnd.nextInt(40);
            for (int i = 0; i < len; i++) {
                switch (rnd.nextInt(12)) {
                    case 0 -> text.appendCodePoint(0x10000 + rnd.nextInt(0x100000)); // a pair
                    case 1 -> text.append((char) (0xD800 + rnd.nextInt(0x800))); // a lone surrogate, now and then
                    default -> text.append(alphabet[rnd.nextInt(alphabet.length)]);
                }
            }
            // Jackson's own writing, then the same text with characters escaped at random the other ways JSON allows
            String written = EventJson.toString(EventJson.MAPPER.getNodeFactory().textNode(text.toString()));
            agree(written.getBytes(StandardCharsets.UTF_8));
            StringBuilder hand = new StringBuilder("\"");
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                int k = rnd.nextInt(4);
                if (k == 0 || c < 0x20 || c == '"' || c == '\\' || Character.isSurrogate(c) && k == 1) {
                    hand.append(String.format(rnd.nextBoolean() ? "\\u%04x" : "\\u%04X", (int) c));
                } else if (c == '/' && k == 2) {
                    hand.append("\\/");
                } else {
                    hand.append(c);
                }
            }
            agree(hand.append('"').toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Test
    void aSpecialByteAtEveryOffsetOfAWord() {
        // read 8 bytes at a time: each kind of byte that ends a plain run, at every offset, in strings of every length
        for (String special : List.of("\\\"", "\\n", "\\u00e9", "\\ud83d\\ude80", "\u00e9", "\u2603", "\ud83d\ude80", "\u0001", "\"")) {
            for (int len = 0; len < 26; len++) {
                for (int at = 0; at <= len; at++) {
                    String text = "x".repeat(at) + special + "y".repeat(len - at);
                    if (special.equals("\u0001") || special.equals("\"")) {
                        agree(q(text)); // declined, or a shorter string: either way what it takes is Jackson's
                    } else {
                        value(text); // taken whole, equal to Jackson's
                    }
                }
            }
        }
    }

    @Test
    void agreesWithJacksonOnRandomBytes() {
        Random rnd = new Random(7);
        byte[] common = "\\\"u0aDd8e/bnrtfx\u0001 ".getBytes(StandardCharsets.ISO_8859_1);
        for (int round = 0; round < 200_000; round++) {
            byte[] s = new byte[2 + rnd.nextInt(12)];
            s[0] = '"';
            s[s.length - 1] = '"';
            for (int i = 1; i < s.length - 1; i++) {
                s[i] = rnd.nextInt(3) == 0 ? (byte) rnd.nextInt(256) : common[rnd.nextInt(common.length)];
            }
            // only literals whose first unescaped quote is the last byte are one string literal
            byte[] src = Arrays.copyOf(s, s.length);
            int end = JsonStringBytes.unescape(src, 1, src.length, new JsonStringBytes.Buffer(1));
            if (end >= 0 && end != s.length - 1) {
                agree(Arrays.copyOf(s, end + 1));
            } else {
                agree(s);
            }
        }
    }

    @Test
    void wellFormedUtf8IsTheStandardsTable() {
        // every 1- to 3-byte sequence and a sample of 4-byte ones, against the JDK's strict decoder
        var decoder = StandardCharsets.UTF_8.newDecoder();
        Random rnd = new Random(3);
        for (int round = 0; round < 300_000; round++) {
            int len = 2 + rnd.nextInt(3);
            byte[] b = new byte[len];
            b[0] = (byte) (0x80 + rnd.nextInt(0x80));
            for (int i = 1; i < len; i++) {
                b[i] = (byte) (rnd.nextInt(8) == 0 ? rnd.nextInt(256) : 0x80 + rnd.nextInt(0x40));
            }
            int n = JsonStringBytes.wellFormedLength(b, 0, len);
            boolean jdk;
            try {
                decoder.reset().decode(java.nio.ByteBuffer.wrap(b, 0, Math.max(n, 1)));
                jdk = n > 0;
            } catch (java.nio.charset.CharacterCodingException e) {
                jdk = false;
            }
            assertThat(n > 0).as(Arrays.toString(b)).isEqualTo(jdk);
        }
    }
}
