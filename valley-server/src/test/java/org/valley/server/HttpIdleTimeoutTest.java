package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.server.config.ValleyConfig;

/**
 * {@code http-idle-timeout}: a connection on which nothing moves is closed, so that a client cannot
 * hold connections open for ever; an event stream, quiet or not, stays open. A node with a 2 s
 * timeout, read through raw sockets so that nothing on the client's side keeps or closes them.
 */
class HttpIdleTimeoutTest {

    @TempDir
    Path dir;

    @Test
    void idleConnections_areClosed_whileAnEventStreamStaysOpen() throws Exception {
        Path file = dir.resolve("valley.json");
        Files.writeString(file, "{\"http-idle-timeout\": \"PT2S\", \"port\": 0, \"data\": \"" + dir.resolve("data") + "\"}");
        ValleyConfig config = ValleyConfig.load(file);
        try (TestNode node = TestNode.start(config);
                Socket silent = new Socket("127.0.0.1", node.port());
                Socket afterARequest = new Socket("127.0.0.1", node.port());
                Socket stream = new Socket("127.0.0.1", node.port())) {
            long start = System.nanoTime();
            afterARequest.getOutputStream().write(request("/health/live", null));
            stream.getOutputStream().write(request("/api/v1/stream?topics=spaces", node.admin()));

            // read what each socket gets for 5 s
            Reader silentReader = new Reader(silent);
            Reader requestReader = new Reader(afterARequest);
            Reader streamReader = new Reader(stream);
            Thread.sleep(5_000);

            assertThat(silentReader.closedAfterMillis(start)).as("a connection that never sent a byte")
                    .isBetween(1_500L, 4_900L);
            assertThat(requestReader.text()).startsWith("HTTP/1.1 200");
            assertThat(requestReader.closedAfterMillis(start)).as("a kept-alive connection once its answer was read")
                    .isBetween(1_500L, 4_900L);
            assertThat(streamReader.closedAfterMillis(start)).as("the event stream, quiet for 5 s").isEqualTo(-1L);
            assertThat(streamReader.text()).startsWith("HTTP/1.1 200").contains("text/event-stream");
            int keepAlives = streamReader.text().split(": keep-alive", -1).length - 1;
            assertThat(keepAlives).as("comments every third of the timeout").isGreaterThanOrEqualTo(4);
        }
    }

    private static byte[] request(String path, String key) {
        return ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + (key == null ? "" : "Authorization: Bearer " + key + "\r\n")
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Reads a socket on a thread of its own until it closes, noting what came and when it closed. */
    private static final class Reader {
        private final StringBuffer text = new StringBuffer();
        private volatile long closedAt = -1;

        Reader(Socket socket) throws IOException {
            socket.setSoTimeout(200);
            InputStream in = socket.getInputStream();
            Thread.ofPlatform().daemon(true).start(() -> {
                byte[] buf = new byte[4096];
                while (true) {
                    try {
                        int n = in.read(buf);
                        if (n < 0) {
                            closedAt = System.nanoTime();
                            return;
                        }
                        text.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
                    } catch (SocketTimeoutException e) {
                        // nothing yet: read again
                    } catch (IOException e) {
                        closedAt = System.nanoTime(); // reset by the node, or closed by the test at its end
                        return;
                    }
                }
            });
        }

        /** Milliseconds from {@code start} to the close, or -1 while open. */
        long closedAfterMillis(long start) {
            long at = closedAt;
            return at < 0 ? -1 : (at - start) / 1_000_000;
        }

        String text() {
            return text.toString();
        }
    }
}
