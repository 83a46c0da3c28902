package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Names every module shares are spelled once, in core: the annotation Falco reads {@code ka.cluster.name} from
 * and the reader error codes (metric tags and log fields, so a dashboard sees one code per cause).
 */
class SharedNamesTest {
    /** The reactor's root, seen from bridge-core (the surefire working directory). */
    private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

    @Test
    void theClusterAnnotationIsTheKeyFalcosK8sauditPluginReads() {
        // falcosecurity/plugins k8saudit extract.go: ka.cluster.name is annotations["cluster_name"].
        assertThat(Event.ANNOTATION_CLUSTER_NAME).isEqualTo("cluster_name");
    }

    @Test
    void readerErrorsMapToOneCodePerCause() {
        List<String> codes = new ArrayList<>();
        EventReader.read("{\"kind\":\"Event\",".getBytes(StandardCharsets.UTF_8),
                item -> codes.add(RecordError.codeOf(item.error(), RecordError.NOT_EVENT)));
        EventReader.read("{\"kind\":\"Pod\",\"apiVersion\":\"v1\"}".getBytes(StandardCharsets.UTF_8),
                item -> codes.add(RecordError.codeOf(item.error(), RecordError.NOT_EVENT)));
        assertThat(codes).containsExactly("invalid_json", "not_event");
        assertThat(RecordError.TRUNCATED).isEqualTo("truncated");
    }

    /** No main source outside bridge-core spells the shared names as literals again. */
    @Test
    void noModuleSpellsTheSharedNamesItself() throws IOException {
        Pattern literal = Pattern.compile("\"(cluster_name|invalid_json|not_event|truncated)\"|\"malformed JSON\"\\)");
        List<String> found = new ArrayList<>();
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path main : modules.map(m -> m.resolve("src/main/java")).filter(Files::isDirectory).toList()) {
                if (main.startsWith(ROOT.resolve("bridge-core"))) {
                    continue;
                }
                try (Stream<Path> files = Files.walk(main)) {
                    for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                        List<String> lines = Files.readAllLines(f);
                        for (int i = 0; i < lines.size(); i++) {
                            if (literal.matcher(lines.get(i)).find()) {
                                found.add(ROOT.relativize(f) + ":" + (i + 1) + ": " + lines.get(i).strip());
                            }
                        }
                    }
                }
            }
        }
        assertThat(ROOT.resolve("detector/src/main/java")).as("the reactor is where the test looks").isDirectory();
        assertThat(found).as("use Event.ANNOTATION_CLUSTER_NAME / RecordError's codes").isEmpty();
    }
}
