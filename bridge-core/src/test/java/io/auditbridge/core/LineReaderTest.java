package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Lines as a plain split on '\n' gives them (one trailing '\r' dropped), however the input arrives in reads. */
class LineReaderTest {
    /** The reference: split on '\n', drop one '\r' before it; a last line without '\n' counts, an empty rest does not. */
    private static List<String> reference(byte[] in) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= in.length; i++) {
            if (i == in.length && start == in.length) {
                break;
            }
            if (i == in.length || in[i] == '\n') {
                int end = i > start && in[i - 1] == '\r' ? i - 1 : i;
                lines.add(new String(in, start, end - start, StandardCharsets.ISO_8859_1));
                start = i + 1;
            }
        }
        return lines;
    }

    /** Returns at most {@code max} bytes per read, at random: lines then span refills at every possible point. */
    private static InputStream chunked(byte[] in, Random rnd, int max) {
        return new ByteArrayInputStream(in) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, 1 + rnd.nextInt(max)));
            }
        };
    }

    private static List<String> read(InputStream in) throws IOException {
        LineReader r = new LineReader(in);
        List<String> lines = new ArrayList<>();
        for (byte[] line; (line = r.next()) != null; ) {
            lines.add(new String(line, StandardCharsets.ISO_8859_1));
            assertThat(r.lineNumber()).isEqualTo(lines.size());
        }
        assertThat(r.next()).isNull();
        return lines;
    }

    @Test
    void givesTheLinesOfAPlainSplitForRandomInputsAndReadSizes() throws IOException {
        Random rnd = new Random(7);
        for (int round = 0; round < 300; round++) {
            int n = rnd.nextInt(round % 10 == 0 ? 700_000 : 3_000);
            byte[] in = new byte[n];
            for (int i = 0; i < n; i++) {
                int k = rnd.nextInt(40);
                // '\n' and '\r' often, and the bytes next to '\n' (0x0B, 0x09) and high bytes, which a word-at-a-time search must not mistake for it
                in[i] = (byte) (k == 0 ? '\n' : k == 1 ? '\r' : k == 2 ? 0x0B : k == 3 ? 0x09 : k == 4 ? 0x8A : k == 5 ? 0xFF : 'a' + k);
            }
            if (round % 7 == 0) {
                Arrays.fill(in, 0, n / 2, (byte) 'x'); // one line longer than the reader's buffer
            }
            assertThat(read(chunked(in, rnd, round % 2 == 0 ? 17 : 300_000))).isEqualTo(reference(in));
            assertThat(read(new ByteArrayInputStream(in))).isEqualTo(reference(in));
        }
    }

    @Test
    void edgeCases() throws IOException {
        for (String s : List.of("", "\n", "\n\n", "a", "a\n", "a\r\n", "a\r\r\n", "\r", "\r\n", "a\nb", "a\n\nb\r\n", "ab\rc\n")) {
            byte[] in = s.getBytes(StandardCharsets.ISO_8859_1);
            assertThat(read(new ByteArrayInputStream(in))).as(s).isEqualTo(reference(in));
            assertThat(read(chunked(in, new Random(1), 1))).as(s).isEqualTo(reference(in));
        }
    }

    @Test
    void aLineLongerThanSeveralBuffersThenShortOnes() throws IOException {
        byte[] in = new byte[9 << 20];
        Arrays.fill(in, (byte) 'y');
        in[in.length - 4] = '\n';
        in[in.length - 2] = '\n';
        List<String> lines = read(chunked(in, new Random(3), 1 << 20));
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).hasSize(in.length - 4);
        assertThat(lines.subList(1, 3)).containsExactly("y", "y");
    }

    @Test
    void remainingIsWhatWasNotReturnedAsLines() throws IOException {
        byte[] in = "one\ntwo\nthe rest\nand more".getBytes(StandardCharsets.US_ASCII);
        LineReader r = new LineReader(chunked(in, new Random(5), 3));
        assertThat(new String(r.next(), StandardCharsets.US_ASCII)).isEqualTo("one");
        assertThat(new String(r.next(), StandardCharsets.US_ASCII)).isEqualTo("two");
        assertThat(new String(r.remaining().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("the rest\nand more");
    }

    @Test
    void newlineSearchFindsTheFirstNewlineAtEveryOffset() {
        Random rnd = new Random(11);
        for (int round = 0; round < 2000; round++) {
            byte[] b = new byte[1 + rnd.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = (byte) (rnd.nextInt(6) == 0 ? '\n' : rnd.nextInt(256));
            }
            int from = rnd.nextInt(b.length + 1);
            int to = from + rnd.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertThat(LineReader.indexOfNewline(b, from, to)).isEqualTo(expected);
        }
    }
}
