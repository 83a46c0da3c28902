package io.auditbridge.core.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileCheckpointStoreTest {
    @TempDir
    Path dir;

    @Test
    void emptyWhenNeverCommittedThenRoundTrips() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("sub/cp.json"));
        assertThat(store.load()).isEmpty();
        store.commit(Map.of("0", "seq=42", "1", "seq=7"));
        assertThat(new FileCheckpointStore(dir.resolve("sub/cp.json")).load()).isEqualTo(Map.of("0", "seq=42", "1", "seq=7"));
        store.commit(Map.of("0", "seq=43", "1", "seq=7"));
        assertThat(store.load()).containsEntry("0", "seq=43");
        assertThat(Files.list(dir.resolve("sub"))).extracting(p -> p.getFileName().toString()).containsExactly("cp.json");
    }

    @Test
    void aLeftoverTemporaryFileFromACrashDoesNotMatter() throws IOException {
        FileCheckpointStore store = new FileCheckpointStore(dir.resolve("cp.json"));
        store.commit(Map.of("p", "1"));
        Files.writeString(dir.resolve("cp.json.tmp"), "{\"version\":1,\"posi"); // torn write of a later commit
        assertThat(store.load()).isEqualTo(Map.of("p", "1"));
        store.commit(Map.of("p", "2"));
        assertThat(store.load()).isEqualTo(Map.of("p", "2"));
    }

    @Test
    void aCorruptFileIsAClearError() throws IOException {
        Files.writeString(dir.resolve("cp.json"), "not json");
        assertThatThrownBy(() -> new FileCheckpointStore(dir.resolve("cp.json")).load())
                .isInstanceOf(IOException.class).hasMessageContaining("not valid JSON").hasMessageContaining("cp.json");
    }
}
