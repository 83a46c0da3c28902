package io.auditbridge.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The README's test command is what CI runs: `.ci/run` ends with exactly that line. */
class ProjectCommandsTest {
    @Test
    void ciRunsTheReadmeTestCommand() throws Exception {
        Path root = Path.of(System.getProperty("maven.multiModuleProjectDirectory", "..")).toAbsolutePath();
        if (!Files.exists(root.resolve("README.md"))) {
            root = Path.of("..").toAbsolutePath().normalize();
        }
        assumeTrue(Files.exists(root.resolve("README.md")), "README.md not found from " + root);
        List<String> readme = Files.readAllLines(root.resolve("README.md"));
        int heading = readme.indexOf("Run the tests (CI runs exactly this, through `.ci/run`, which first selects a JDK ≥ 21 and installs test services):");
        assertThat(heading).as("README states the test command").isNotNegative();
        String command = readme.get(heading + 2).strip();
        assertThat(command).isEqualTo("./mvnw -B verify");
        List<String> ci = Files.readAllLines(root.resolve(".ci/run")).stream().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        assertThat(ci.getLast()).isEqualTo(command);
    }
}
