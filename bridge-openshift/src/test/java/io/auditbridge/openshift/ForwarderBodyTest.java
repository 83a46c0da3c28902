package io.auditbridge.openshift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ForwarderBodyTest {
    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void readsArraysNdjsonSingleObjectsAndEmptyBodies() {
        assertThat(ForwarderBody.records(utf8("[{\"a\":1},{\"a\":2}]"))).hasSize(2);
        assertThat(ForwarderBody.records(utf8("{\"a\":1}\n{\"a\":2}\n\n{\"a\":3}"))).hasSize(3);
        assertThat(ForwarderBody.records(utf8("{\"a\":1}"))).hasSize(1);
        assertThat(ForwarderBody.records(utf8("[]"))).isEmpty();
        assertThat(ForwarderBody.records(new byte[0])).isEmpty();
        assertThat(ForwarderBody.records(utf8("[{\"a\":1}]\n[{\"a\":2}]"))).hasSize(2);
    }

    @Test
    void malformedJsonNamesThePlaceNotTheContent() {
        assertThatThrownBy(() -> ForwarderBody.records(utf8("[{\"token\":\"s3cr3t\"")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("malformed JSON")
                .hasMessageNotContaining("s3cr3t");
        assertThatThrownBy(() -> ForwarderBody.records(utf8("\"text\""))).hasMessageContaining("expected a JSON array or objects");
    }

    @Test
    void gzipIsRecognisedByItsMagicBytes() {
        byte[] plain = Fixtures.read("v6-array.json");
        assertThat(ForwarderBody.gunzipIfGzip(Fixtures.gzip(plain), 1 << 20)).isEqualTo(plain);
        assertThat(ForwarderBody.gunzipIfGzip(plain, 1 << 20)).isSameAs(plain);
        assertThatThrownBy(() -> ForwarderBody.gunzipIfGzip(Fixtures.gzip(new byte[4096]), 1024))
                .hasMessageContaining("exceeds");
    }
}
