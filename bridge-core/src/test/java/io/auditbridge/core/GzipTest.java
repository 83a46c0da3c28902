package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class GzipTest {
    private static byte[] gzip(byte[] plain) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        }
        return out.toByteArray();
    }

    @Test
    void roundTripsWithinTheLimitAndStopsABombAtIt() throws Exception {
        byte[] small = "{\"kind\":\"Event\"}".getBytes();
        assertThat(Gzip.isGzip(gzip(small))).isTrue();
        assertThat(Gzip.isGzip(small)).isFalse();
        assertThat(Gzip.gunzip(gzip(small), small.length)).isEqualTo(small);
        byte[] bomb = gzip(new byte[8 * 1024 * 1024]); // ~8 KB on the wire
        assertThatThrownBy(() -> Gzip.gunzip(bomb, 1024 * 1024)).hasMessage("gzip content exceeds 1048576 bytes");
        assertThatThrownBy(() -> Gzip.gunzip(new byte[] {0x1f, (byte) 0x8b, 1, 2}, 100)).hasMessageStartingWith("not valid gzip");
    }
}
