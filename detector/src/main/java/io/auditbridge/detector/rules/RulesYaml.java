package io.auditbridge.detector.rules;

import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/** Reading rules and correlation files as YAML node trees, which keep every value's line for error messages. */
public final class RulesYaml {
    private RulesYaml() {}

    /** @throws RulesException naming the file when it cannot be read */
    public static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new RulesException(new Location(file.toString(), 0), "cannot read: " + e.getClass().getSimpleName());
        }
    }

    /** The document's root node, null for an empty file. @throws RulesException naming file and line of bad YAML */
    public static Node compose(String fileName, String text) {
        try {
            return new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } catch (MarkedYAMLException e) {
            int line = e.getProblemMark() == null ? 0 : e.getProblemMark().getLine() + 1;
            throw new RulesException(new Location(fileName, line), "invalid YAML: " + e.getProblem());
        } catch (YAMLException e) {
            throw new RulesException(new Location(fileName, 0), "invalid YAML: " + e.getMessage());
        }
    }

    /** Where {@code node} starts, 1-based. */
    public static Location at(String file, Node node) {
        return new Location(file, node.getStartMark().getLine() + 1);
    }
}
