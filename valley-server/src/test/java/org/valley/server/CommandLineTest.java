package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code valley decode} decodes a payload from the command line, with the same codecs as the server,
 * and runs a codec file's examples.
 */
class CommandLineTest {

    private record Run(int exit, String out) {}

    private static Run run(String... args) {
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            int exit = new CommandLine(new Main()).execute(args);
            return new Run(exit, captured.toString(StandardCharsets.UTF_8).trim());
        } finally {
            System.setOut(original);
        }
    }

    @Test
    void decode_builtinSensit_printsTheDecodedJson() {
        Run r = run("decode", "--builtin", "sensit-v3", "--hex", "f609744f");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).startsWith("{\"data\":{").contains("\"temperature\":21.5", "\"humidity\":39.5");
    }

    @Test
    void decode_grammar_printsFieldsInOrder() {
        Run r = run("decode", "--grammar", "temp::int:16:little-endian door::bool:7", "--hex", "e6ff80");
        assertThat(r.exit()).isZero();
        assertThat(r.out()).isEqualTo("{\"data\":{\"temp\":-26,\"door\":true},\"warnings\":[],\"errors\":[]}");
    }

    @Test
    void decode_truncatedPayload_printsTheErrorAndFails() {
        Run r = run("decode", "--grammar", "a::uint:32", "--hex", "0102");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.out()).contains("\"errors\":[").contains("a");
    }

    @Test
    void decode_invalidGrammar_exitsWithUsageError() {
        assertThat(run("decode", "--grammar", "x::uint:99", "--hex", "00").exit()).isEqualTo(2);
        assertThat(run("decode", "--hex", "00").exit()).isEqualTo(2);
    }

    @Test
    void decode_javascriptCodecFile_withPort_printsItsOutput() {
        Run r = run("decode", "--codec", "../examples/codecs/elsys.js", "--hex", "0100E20229030127051102", "--fport", "1");
        assertThat(r.exit()).as(r.out()).isZero();
        assertThat(r.out()).contains("\"temperature\":22.6", "\"humidity\":41", "\"occupancy\":2");
    }

    @Test
    void decode_examplesOfACodecFile_areRunAsASelfTest() {
        Run ok = run("decode", "--codec", "../examples/codecs/browan-tbdw100.js",
                "--examples", "../examples/codecs/browan-tbdw100.yaml");
        Run wrong = run("decode", "--codec", "../examples/codecs/elsys.js",
                "--examples", "../examples/codecs/browan-tbdw100.yaml");

        assertThat(ok.exit()).as(ok.out()).isZero();
        assertThat(ok.out()).contains("\"passed\" : 4", "\"failed\" : 0");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.out()).contains("\"failed\" : 4", "differences");
    }
}
