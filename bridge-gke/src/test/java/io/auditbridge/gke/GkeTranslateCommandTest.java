package io.auditbridge.gke;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.auditbridge.core.EventJson;
import io.auditbridge.core.cli.BridgeCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class GkeTranslateCommandTest {
    @TempDir
    Path dir;

    @Test
    void translatePrintsOneEventPerLineInInputOrderWithOneStartPerExec() throws Exception {
        Path array = dir.resolve("read.json");
        Files.write(array, Fixtures.bytes("inputs/gcloud-read.json"));
        Path ndjson = dir.resolve("entries.ndjson");
        Files.write(ndjson, Fixtures.bytes("inputs/entries.ndjson"));

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        PrintStream saved = System.out;
        int code;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            CommandLine cl = BridgeCli.commandLine(new GkeBridge());
            cl.setErr(new PrintWriter(stderr));
            code = cl.execute("translate", "--dead-letter-file", dir.resolve("dl.ndjson").toString(), array.toString(), ndjson.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(code).isZero();
        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        List<String> idStage = new ArrayList<>();
        for (String line : lines) {
            JsonNode e = EventJson.MAPPER.readTree(line);
            assertThat(e.get("kind").asText()).isEqualTo("Event");
            idStage.add(e.get("auditID").asText().substring(33) + " " + e.get("stage").asText());
        }
        // The second file repeats the first: the pipeline's (auditID, stage) dedupe keeps one of each,
        // so each exec/attach has exactly one ResponseStarted though its last entry stands for a start too.
        assertThat(idStage).containsExactly("001 ResponseComplete", "004 ResponseStarted", "004 ResponseComplete",
                "005 ResponseStarted", "005 ResponseComplete");
        assertThat(stderr.toString()).contains("gke: 5 events, 1 record errors, 2 skipped, 7 deduplicated");
    }

    @Test
    void aTruncatedArrayDeliversTheEntriesBeforeTheBreakAndReportsTheFile() throws Exception {
        StringBuilder array = new StringBuilder("[");
        String entry = new String(Fixtures.bytes("logentries/pod-create.json"), StandardCharsets.UTF_8);
        int whole = ReadAhead.BATCH * 2 + 3; // across the read-ahead's batches
        for (int i = 0; i < whole; i++) {
            array.append(i == 0 ? "" : ",").append(entry.replace("8f3c6a1e-5b2d-4c1a-9f00-000000000001", "id-" + i));
        }
        array.append(",{\"insertId\":\"cut-");
        Path file = dir.resolve("cut.json");
        Files.writeString(file, array);

        ByteArrayOutputStream stdout = new ByteArrayOutputStream();
        StringWriter stderr = new StringWriter();
        PrintStream saved = System.out;
        try {
            System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
            CommandLine cl = BridgeCli.commandLine(new GkeBridge());
            cl.setErr(new PrintWriter(stderr));
            cl.execute("translate", "--dead-letter-file", dir.resolve("dl.ndjson").toString(), file.toString());
        } finally {
            System.setOut(saved);
        }
        assertThat(stdout.toString(StandardCharsets.UTF_8).lines().toList()).hasSize(whole);
        assertThat(stderr.toString()).contains("cut.json: malformed JSON after entry " + whole)
                .contains("gke: " + whole + " events").contains("1 undecodable inputs");
    }
}
