package io.auditbridge.core.checkpoint;

import com.fasterxml.jackson.core.type.TypeReference;
import io.auditbridge.core.CheckpointStore;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.io.FileChannels;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Positions in a small JSON file ({@code {"version":1,"positions":{partition: position}}}), replaced
 * atomically: written to a temporary file beside it, forced to disk, then renamed over the old one, and the
 * directory forced. A kill -9 at any moment leaves the previous or the new file, never a torn one.
 */
public final class FileCheckpointStore implements CheckpointStore {
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};
    private final Path path;
    private final FileChannels channels;

    public FileCheckpointStore(Path path) {
        this(path, FileChannels.DEFAULT);
    }

    /** With {@code channels} opening the temporary file (tests pass one that writes short or fills up). */
    public FileCheckpointStore(Path path, FileChannels channels) {
        this.path = path.toAbsolutePath();
        this.channels = channels;
    }

    public Path path() {
        return path;
    }

    @Override
    @SuppressWarnings("unchecked")
    public Map<String, String> load() throws IOException {
        if (!Files.exists(path)) {
            return Map.of();
        }
        Map<String, Object> doc;
        try {
            doc = EventJson.MAPPER.readValue(Files.readAllBytes(path), MAP);
        } catch (IOException e) {
            throw new IOException("checkpoint file " + path + " is not valid JSON; move it away to start over", e);
        }
        Object positions = doc.get("positions");
        if (!(positions instanceof Map<?, ?> m)) {
            throw new IOException("checkpoint file " + path + " has no \"positions\" object");
        }
        Map<String, String> out = new LinkedHashMap<>();
        ((Map<String, Object>) m).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }

    @Override
    public synchronized void commit(Map<String, String> positions) throws IOException {
        Path dir = path.getParent();
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", 1);
        doc.put("positions", new TreeMap<>(positions));
        byte[] bytes = EventJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(doc);
        Path tmp = dir.resolve(path.getFileName() + ".tmp");
        try (FileChannel ch = channels.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            // Every byte, or an exception: a short write on a full disk must never be renamed over the good file.
            FileChannels.writeFully(ch, java.nio.ByteBuffer.wrap(bytes));
            ch.force(true);
            if (ch.size() != bytes.length) {
                throw new IOException("checkpoint temporary file " + tmp + " has " + ch.size() + " bytes, expected " + bytes.length);
            }
        } catch (IOException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException ignored) {
                // the next commit truncates it anyway
            }
            throw e;
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system of " + dir + " cannot rename atomically; choose another checkpoint path", e);
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(Path dir) {
        // Makes the rename itself durable on Linux; other systems may refuse to open a directory, which is fine.
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // best effort
        }
    }
}
