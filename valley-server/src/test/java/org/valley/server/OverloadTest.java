package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.valley.journal.JournalConfig;
import org.valley.server.config.ValleyConfig;

/** Overload gets back-pressure: 503 with Retry-After, never a lost acknowledged frame or a crash. */
class OverloadTest {

    @TempDir
    Path dir;

    @Test
    void fullJournalQueue_answers503WithRetryAfter_andKeepsEveryAcknowledgedFrame() throws Exception {
        ValleyConfig tiny = new ValleyConfig("127.0.0.1", 0, dir, null, 2, 16 * 1024, 1024 * 1024, Duration.ofMillis(200),
                1, new JournalConfig(1, 1, 64L << 20, true), false, 0);
        try (TestNode node = TestNode.start(tiny)) {
            String key = node.tenantWithSigfox("busy");
            node.create("/api/v1/devices", "{\"id\":\"busy-1\",\"tenant\":\"busy\",\"network\":{\"kind\":\"sigfox\",\"id\":\"BEEF\"}}");
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            List<CompletableFuture<HttpResponse<String>>> pending = new ArrayList<>();
            for (int seq = 0; seq < 400; seq++) {
                String body = "{\"device\":\"BEEF\",\"time\":" + (1_763_719_200L + seq) + ",\"data\":\"01\",\"seqNumber\":" + seq + "}";
                pending.add(http.sendAsync(HttpRequest.newBuilder(URI.create(node.url("/ingest/sigfox?key=" + key)))
                        .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            int accepted = 0;
            int refused = 0;
            for (CompletableFuture<HttpResponse<String>> f : pending) {
                HttpResponse<String> r = f.join();
                assertThat(r.statusCode()).as(r.body()).isIn(204, 503);
                if (r.statusCode() == 503) {
                    refused++;
                    assertThat(r.headers().firstValue("retry-after")).hasValueSatisfying(v -> assertThat(Integer.parseInt(v)).isPositive());
                    assertThat(r.headers().firstValue("content-type")).hasValue("application/problem+json");
                } else {
                    accepted++;
                }
            }
            assertThat(refused).as("requests refused with 503").isPositive();
            assertThat(node.get("/api/v1/devices/busy-1/frames?limit=1000", node.admin()).json()).hasSize(accepted);
            assertThat(node.get("/health/live", null).status()).isEqualTo(200);
        }
    }
}
