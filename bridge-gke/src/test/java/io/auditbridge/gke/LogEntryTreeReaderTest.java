package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.logging.v2.LogEntry;
import io.auditbridge.core.EventJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The fast tree reader must give exactly the LogEntry JsonFormat gives, or step aside. */
class LogEntryTreeReaderTest {
    static Stream<String> fixtures() throws Exception {
        Path dir = Path.of(LogEntryTreeReaderTest.class.getResource("/logentries").toURI());
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString().replace(".json", "")).sorted().toList().stream();
        }
    }

    private static LogEntry viaJsonFormat(String json) throws Exception {
        LogEntry.Builder b = LogEntry.newBuilder();
        LogEntryJson.PARSER.merge(json, b);
        return b.build();
    }

    @ParameterizedTest
    @MethodSource("fixtures")
    void sameLogEntryAsJsonFormatOrNone(String name) throws Exception {
        String json = new String(Fixtures.bytes("logentries/" + name + ".json"), java.nio.charset.StandardCharsets.UTF_8);
        JsonNode tree = EventJson.MAPPER.readTree(json);
        LogEntry fast = LogEntryTreeReader.read(tree);
        if (name.equals("impersonated") || name.equals("container-log")) {
            assertThat(fast).as("delegation info / textPayload are left to JsonFormat").isNull();
        } else {
            assertThat(fast).isNotNull();
            assertThat(fast).isEqualTo(viaJsonFormat(json));
        }
    }

    @Test
    void anUnknownFieldFallsBackToJsonFormatAndStillTranslates() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(Fixtures.bytes("logentries/pod-create.json"));
        tree.put("trace", "projects/demo-project/traces/abc");
        tree.put("spanId", "000000000000004a");
        assertThat(LogEntryTreeReader.read(tree)).isNull();

        List<LogEntryJson.Item> items = LogEntryJson.items(EventJson.write(tree));
        assertThat(items).singleElement().satisfies(i -> {
            assertThat(i.entry()).isNotNull();
            assertThat(i.entry().getTrace()).isEqualTo("projects/demo-project/traces/abc");
        });
    }

    @Test
    void offsetTimestampsAndStructNumbersMatchJsonFormat() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(Fixtures.bytes("logentries/dry-run.json"));
        tree.put("timestamp", "2026-11-30T02:03:04.5+01:00");
        ((ObjectNode) tree.at("/protoPayload/request/spec")).put("ratio", new java.math.BigDecimal("1.50"));
        ((ObjectNode) tree.at("/protoPayload/request/spec")).put("big", 12345678901234567L);
        ((ObjectNode) tree.at("/protoPayload/request/spec")).putNull("nothing");
        LogEntry fast = LogEntryTreeReader.read(tree);
        assertThat(fast).isNotNull().isEqualTo(viaJsonFormat(EventJson.toString(tree)));
    }

    @Test
    void aStringWhereJsonFormatWantsAnotherTypeStepsAside() throws Exception {
        ObjectNode tree = (ObjectNode) EventJson.MAPPER.readTree(Fixtures.bytes("logentries/denied-403.json"));
        ((ObjectNode) tree.at("/protoPayload/status")).put("code", "7");
        assertThat(LogEntryTreeReader.read(tree)).isNull();
        assertThat(LogEntryJson.items(EventJson.write(tree))).singleElement()
                .satisfies(i -> assertThat(i.entry().getProtoPayload().unpack(com.google.cloud.audit.AuditLog.class).getStatus().getCode()).isEqualTo(7));
    }
}
