package org.valley.server;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Stream;

/** A Server-Sent Events client on the JDK's HTTP client: reads the stream's events as they come. */
final class Sse implements AutoCloseable {

    /** One event: its name and its data as JSON, and when it arrived (System.nanoTime). */
    record Event(String name, JsonNode data, long arrivedNanos) {}

    final int status;
    final String contentType;
    private final HttpClient client = HttpClient.newHttpClient();
    private final HttpResponse<Stream<String>> response;
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private final Thread reader;

    /** Opens {@code url} with {@code key} as bearer header (null: none, e.g. when the URL has ?key=). */
    Sse(String url, String key) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("accept", "text/event-stream");
        if (key != null) {
            b.header("authorization", "Bearer " + key);
        }
        try {
            response = client.send(b.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        status = response.statusCode();
        contentType = response.headers().firstValue("content-type").orElse("");
        reader = Thread.ofPlatform().daemon(true).name("sse-reader").start(this::read);
    }

    private void read() {
        String[] name = {"message"};
        try (Stream<String> lines = response.body()) {
            lines.forEach(line -> {
                if (line.startsWith("event: ")) {
                    name[0] = line.substring(7);
                } else if (line.startsWith("data: ")) {
                    try {
                        events.add(new Event(name[0], TestNode.JSON.readTree(line.substring(6)), System.nanoTime()));
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                } else if (line.isEmpty()) {
                    name[0] = "message";
                }
            });
        } catch (RuntimeException e) {
            // the stream was closed
        }
    }

    /** The events received so far. */
    List<Event> events() {
        return List.copyOf(events);
    }

    /** Waits (bounded) for an event matching {@code p} and returns it. */
    Event await(String what, int seconds, Predicate<Event> p) {
        Await.until(what, seconds, () -> events.stream().anyMatch(p));
        return events.stream().filter(p).findFirst().orElseThrow();
    }

    @Override
    public void close() {
        reader.interrupt();
        client.shutdownNow();
    }

    static Duration since(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos);
    }
}
