package io.auditbridge.core.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedOutputStream;
import java.io.File;
import java.io.OutputStream;

/**
 * The whole-process baseline of {@code bench/e2e}: what a bare Jackson program does with the same file — read each
 * top-level JSON value as a tree (a JSON array, an NDJSON stream, or one document), then write it back out as
 * NDJSON on stdout (the elements of a top-level array one per line). No auditbridge code runs.
 * {@code java -cp … JacksonBaseline FILE}.
 */
public final class JacksonBaseline {
    public static void main(String[] args) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        long values = 0;
        // A parser over every root value, not MappingIterator: given a file that starts with '[' the iterator reads
        // that one array's elements and stops, so a file of one array per line (receiver bodies) was read to its
        // first line only.
        try (OutputStream out = new BufferedOutputStream(System.out, 1 << 16);
             JsonGenerator gen = mapper.getFactory().createGenerator(out);
             JsonParser parser = mapper.getFactory().createParser(new File(args[0]))) {
            gen.setRootValueSeparator(null);
            for (JsonToken t; (t = parser.nextToken()) != null; ) {
                if (t == JsonToken.START_ARRAY) {
                    // element by element, each as its own tree: a whole 1 GB array read as one tree would measure the
                    // garbage collector, not Jackson (and no streaming reader holds a file's array whole)
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        mapper.writeTree(gen, mapper.readTree(parser));
                        gen.writeRaw('\n');
                        values++;
                    }
                } else {
                    JsonNode v = mapper.readTree(parser);
                    mapper.writeTree(gen, v);
                    gen.writeRaw('\n');
                    values++;
                }
            }
        }
        System.err.println("baseline: " + values + " values");
    }
}
