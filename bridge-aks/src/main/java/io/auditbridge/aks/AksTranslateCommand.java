package io.auditbridge.aks;

import io.auditbridge.core.cli.HelpGroup;
import com.fasterxml.jackson.core.JsonParser;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.SourceRecord;
import io.auditbridge.core.Translator;
import io.auditbridge.core.cli.TranslateCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code translate}: saved Event Hubs message bodies to NDJSON Events. A file holding one JSON document is one
 * message body; otherwise each non-blank line is one (the NDJSON a capture tool writes).
 */
@HelpGroup(HelpGroup.Section.SOURCE)
@Command(name = "translate", mixinStandardHelpOptions = true,
        description = "Translate saved Event Hubs message bodies ({\"records\":[…]}) to NDJSON audit Events on stdout (stdin when no FILE).")
final class AksTranslateCommand extends TranslateCommand<byte[]> {
    @Mixin
    CategoryOptions categories;

    @Override
    protected String source() {
        return "aks";
    }

    @Override
    protected Translator<byte[]> translator() {
        return categories.translator();
    }

    @Override
    protected List<SourceRecord<byte[]>> decode(String name, byte[] content) {
        return messageBodies(name, content);
    }

    static List<SourceRecord<byte[]>> messageBodies(String name, byte[] content) {
        if (isOneJsonDocument(content)) {
            return List.of(SourceRecord.unpositioned(name, content));
        }
        List<SourceRecord<byte[]>> bodies = new ArrayList<>();
        int start = 0;
        int line = 1;
        for (int i = 0; i <= content.length; i++) {
            if (i == content.length || content[i] == '\n') {
                String text = new String(content, start, i - start, StandardCharsets.UTF_8);
                if (!text.isBlank()) {
                    bodies.add(SourceRecord.unpositioned(name + ":" + line, text.getBytes(StandardCharsets.UTF_8)));
                }
                start = i + 1;
                line++;
            }
        }
        return bodies;
    }

    /** True when the content parses as exactly one JSON value (possibly pretty-printed over many lines). */
    private static boolean isOneJsonDocument(byte[] content) {
        try (JsonParser p = EventJson.MAPPER.createParser(content)) {
            if (p.nextToken() == null) {
                return false;
            }
            p.skipChildren();
            return p.nextToken() == null;
        } catch (IOException e) {
            return false;
        }
    }
}
