package org.valley.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.bridge.SLF4JBridgeHandler;
import org.valley.codec.Codec;
import org.valley.codec.CodecCatalog;
import org.valley.codec.CodecDefinition;
import org.valley.codec.DecodeResult;
import org.valley.codec.InvalidCodecException;
import org.valley.frame.Hex;
import org.valley.js.JsRuntime;
import org.valley.json.Json;
import org.valley.server.codecs.SelfTest;
import org.valley.server.config.ValleyConfig;
import org.valley.server.demo.Demo;
import org.valley.server.demo.Simulator;
import org.valley.server.http.Views;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine;

/** The {@code valley} command. */
@Command(name = "valley", mixinStandardHelpOptions = true, version = "Valley 0.1.0",
        description = "Self-hosted IoT platform for living-lab buildings.",
        subcommands = {Main.Serve.class, Main.DemoCommand.class, Main.Simulate.class, Main.Decode.class})
public final class Main implements Runnable {

    public static void main(String[] args) {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** Options shared by the commands that start a node. */
    static class NodeOptions {
        @Option(names = "--port", description = "HTTP port (default 8080)")
        Integer port;

        @Option(names = "--data", description = "data directory (default ./data)")
        Path data;

        @Option(names = "--mqtt-port", description = "MQTT port (default 1883; 0 for any free port)")
        Integer mqttPort;

        @Option(names = "--config", description = "JSON configuration file with kebab-case keys")
        Path config;

        ValleyConfig config() throws Exception {
            ValleyConfig c = config == null ? ValleyConfig.defaults() : ValleyConfig.load(config);
            if (port != null) {
                c = c.withPort(port);
            }
            if (data != null) {
                c = c.withDataDir(data);
            }
            if (mqttPort != null) {
                c = c.withMqttPort(mqttPort);
            }
            return c;
        }
    }

    static ValleyNode startNode(ValleyConfig config) throws Exception {
        ValleyNode node = ValleyNode.start(config);
        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "valley-shutdown"));
        System.out.println("Valley is listening on " + node.baseUrl() + ", MQTT on port " + node.mqttPort() + " (data in "
                + config.dataDir().toAbsolutePath() + ")");
        if (node.adminKeyGenerated()) {
            System.out.println("Operator key (shown once, kept in " + config.dataDir().resolve("admin.key") + "): "
                    + node.adminKey());
        }
        return node;
    }

    @Command(name = "serve", description = "Start the server without demo data.")
    static final class Serve implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options = new NodeOptions();

        @Override
        public Integer call() throws Exception {
            startNode(options.config());
            new CountDownLatch(1).await();
            return 0;
        }
    }

    @Command(name = "demo", description = "Start the server with the demo campus and a simulator playing its day through the network endpoints.")
    static final class DemoCommand implements Callable<Integer> {
        @CommandLine.Mixin
        NodeOptions options = new NodeOptions();

        @Option(names = "--speed", defaultValue = "60", description = "how many times faster than real time (default 60)")
        double speed;

        @Override
        public Integer call() throws Exception {
            ValleyConfig config = options.config();
            ValleyNode node = startNode(config);
            Demo.run(node.baseUrl(), node.adminKey(), node.mqttPort(), config.dataDir().resolve("demo.json"), speed);
            return 0;
        }
    }

    @Command(name = "simulate", description = "Play devices against any Valley server: the demo campus's day through "
            + "every network endpoint (--campus, with an operator key), or Sens'it devices posting Sigfox callbacks (--key).")
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--url", required = true, description = "the server's base URL, e.g. http://localhost:8080")
        String url;

        @Option(names = "--key", description = "a sigfox integration key (Sigfox-only mode)")
        String key;

        @Option(names = "--campus", description = "set up the demo campus with this operator key and play its day")
        String adminKey;

        @Option(names = "--mqtt-port", defaultValue = "1883", description = "the server's MQTT port (campus mode)")
        int mqttPort;

        @Option(names = "--state", defaultValue = "valley-simulate.json",
                description = "where the campus mode keeps the integration keys it created (campus mode)")
        Path state;

        @Option(names = "--devices", defaultValue = "10", description = "simulated devices; ids are 1000 + index in hex")
        int devices;

        @Option(names = "--frames", defaultValue = "100", description = "frames per device")
        int frames;

        @Option(names = "--speed", defaultValue = "3600", description = "how many times faster than real time")
        double speed;

        @Override
        public Integer call() throws Exception {
            if (adminKey != null) {
                Demo.run(url, adminKey, mqttPort, state, speed);
                return 0;
            }
            if (key == null) {
                System.err.println("valley simulate: give --key (a sigfox integration key) or --campus (an operator key)");
                return 2;
            }
            Simulator.Stats stats = new Simulator(url, key, Simulator.fleet(devices), speed).run(frames);
            System.out.println(stats);
            return stats.failed() == 0 ? 0 : 1;
        }
    }

    @Command(name = "decode", description = "Decode a payload with a codec, without a server; or run a codec's examples.")
    static final class Decode implements Callable<Integer> {
        @Option(names = "--grammar", description = "a Sigfox payload grammar config")
        String grammar;

        @Option(names = "--builtin", description = "a built-in codec name, e.g. sensit-v3")
        String builtin;

        @Option(names = "--codec", description = "a JavaScript codec file (decodeUplink, LoRa Alliance TS013)")
        Path codecFile;

        @Option(names = "--hex", description = "the payload in hex")
        String hex;

        @Option(names = "--fport", defaultValue = "-1", description = "the LoRaWAN port, if any")
        int fPort;

        @Option(names = "--examples", description = "a device repository codec file (YAML) whose examples to run")
        Path examples;

        @Override
        public Integer call() throws IOException {
            int given = (grammar == null ? 0 : 1) + (builtin == null ? 0 : 1) + (codecFile == null ? 0 : 1);
            if (given != 1 || (hex == null) == (examples == null)) {
                System.err.println("give exactly one of --grammar, --builtin or --codec, and --hex or --examples");
                return 2;
            }
            CodecDefinition d;
            if (grammar != null) {
                d = new CodecDefinition("cli", null, "sigfox-grammar", grammar, 1, null);
            } else if (builtin != null) {
                d = new CodecDefinition("cli", null, "builtin", builtin, 1, null);
            } else {
                d = new CodecDefinition(codecFile.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_"), null,
                        JsRuntime.KIND, Files.readString(codecFile), 1, null);
            }
            try (JsRuntime js = new JsRuntime()) {
                Codec codec = new CodecCatalog(Map.of(JsRuntime.KIND, js)).compile(d);
                if (examples != null) {
                    var file = new ObjectMapper(new YAMLFactory()).readTree(examples.toFile());
                    var outcomes = SelfTest.run(codec, SelfTest.fromCodecFile(file, examples.getFileName().toString()));
                    var view = Views.selfTest(outcomes);
                    System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(view));
                    return outcomes.stream().allMatch(SelfTest.Outcome::passed) ? 0 : 1;
                }
                DecodeResult result = codec.decode(Hex.decode(hex), fPort, System.currentTimeMillis());
                System.out.println(Json.write(Views.decodeResult(result)));
                return result instanceof DecodeResult.Decoded ? 0 : 1;
            } catch (InvalidCodecException | IllegalArgumentException e) {
                System.err.println(e.getMessage());
                return 2;
            }
        }
    }
}
