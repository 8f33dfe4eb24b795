package org.valley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.valley.server.demo.CampusSimulator;
import org.valley.server.demo.Demo;
import org.valley.server.demo.Networks;

/**
 * The dashboard in Debian's Chromium (headless) against a Valley node in a child JVM:
 * <ol>
 *   <li>first render of the floor map (navigation start to the floor drawn and painted with live
 *       states, read from the page's own {@code performance} marks), cold and warm, for the demo
 *       campus's ground floor and for a floor of 1,000 desks;
 *   <li>on the floor of 1,000 desks, the delay from a reading posted to
 *       {@code /ingest/http} to its space changing colour on the page (Server-Sent Events), and how
 *       smooth the page stays (animation frames per second, long tasks) while 100 spaces change per second.
 * </ol>
 *
 * <pre>java -cp valley-bench/target/benchmarks.jar org.valley.bench.DashboardBench</pre>
 */
public final class DashboardBench {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final int DESKS = 1000;

    private DashboardBench() {}

    public static void main(String[] args) throws Exception {
        Path log = Files.createTempFile("valley-dashboard-bench", ".log");
        try (ServerProcess server = ServerProcess.start(List.of("-Xmx2g"), null, log, false);
                Playwright playwright = Playwright.create(new Playwright.CreateOptions()
                        .setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")))) {
            String url = server.baseUrl();
            String key = server.adminKey();
            Demo demo = new Demo(url, key);
            Networks.Keys keys = demo.setUp(Files.createTempDirectory("valley-demo").resolve("demo.json"), 60);
            try (CampusSimulator simulator = demo.simulator(keys, server.mqttPort(), LocalTime.of(8, 0))) {
                System.out.println("demo campus: " + simulator.play(150, java.time.Instant.now()));
            }
            long t = System.nanoTime();
            String httpKey = largeFloor(url, key);
            System.out.printf(Locale.ROOT, "floor of %d desks set up in %.1f s%n", DESKS, (System.nanoTime() - t) / 1e9);
            Browser browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(Path.of("/usr/bin/chromium")).setHeadless(true)
                    .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync")));

            for (String[] floor : new String[][] {{"demo campus ground floor", "iot-valley", "hall"},
                    {"floor of 1,000 desks", "bench-floor", "bd-999"}}) {
                double[] runs = new double[12];
                for (int i = 0; i < runs.length; i++) {
                    runs[i] = firstRender(browser, url + "/?key=" + key + "#/map/" + floor[1], floor[2]);
                }
                System.out.printf(Locale.ROOT, "first render, %s (%d runs, each in a new browser context, the first cold):"
                        + " cold %.0f ms, warm median %.0f ms, warm max %.0f ms%n", floor[0], runs.length, runs[0],
                        percentile(Arrays.copyOfRange(runs, 1, runs.length), 50),
                        percentile(Arrays.copyOfRange(runs, 1, runs.length), 100));
            }

            try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
                Page page = context.newPage();
                page.navigate(url + "/?key=" + key + "#/map/bench-floor");
                page.waitForSelector("#map g[data-space='bd-999'][data-state]");
                page.evaluate("() => { window.__changes = [];"
                        + " new MutationObserver(ms => { const t = Date.now(); for (const m of ms) {"
                        + "  if (m.attributeName === 'data-state') window.__changes.push([m.target.dataset.space, m.target.dataset.state, t]); } })"
                        + " .observe(document.getElementById('map'), {attributes: true, subtree: true, attributeFilter: ['data-state']});"
                        + " window.__frames = 0; window.__long = []; (function tick() { window.__frames++; requestAnimationFrame(tick); })();"
                        + " new PerformanceObserver(l => l.getEntries().forEach(e => window.__long.push(e.duration)))"
                        + " .observe({type: 'longtask', buffered: false}); }");
                page.waitForTimeout(1000);

                // latency: one change at a time, 50 of them, each turning a desk to the other state
                boolean[] occupied = new boolean[DESKS];
                for (int i = 0; i < DESKS; i++) {
                    occupied[i] = i % 2 == 0;
                }
                List<Double> latencies = new ArrayList<>();
                for (int i = 0; i < 50; i++) {
                    int d = i * 7 % DESKS;
                    String desk = "bd-" + d;
                    occupied[d] = !occupied[d];
                    long sent = System.currentTimeMillis();
                    post(url, "/ingest/http/" + desk + "?key=" + httpKey, "{\"values\":{\"occupied\":" + occupied[d] + "}}");
                    page.waitForFunction("d => window.__changes.some(c => c[0] === d)", desk);
                    JsonNode changes = JSON.readTree(page.evaluate("() => JSON.stringify(window.__changes)").toString());
                    for (JsonNode c : changes) {
                        if (c.get(0).asText().equals(desk)) {
                            latencies.add((double) (c.get(2).asLong() - sent));
                        }
                    }
                    page.evaluate("() => { window.__changes = []; }");
                }
                double[] l = latencies.stream().mapToDouble(Double::doubleValue).toArray();

                // smoothness: 100 changes a second for 5 s
                page.evaluate("() => { window.__frames = 0; window.__long = []; window.__changes = []; }");
                long start = System.currentTimeMillis();
                for (int i = 0; i < 500; i++) {
                    long due = start + i * 10L;
                    long wait = due - System.currentTimeMillis();
                    if (wait > 0) {
                        Thread.sleep(wait);
                    }
                    int d = i * 13 % DESKS;
                    occupied[d] = !occupied[d];
                    post(url, "/ingest/http/bd-" + d + "?key=" + httpKey, "{\"values\":{\"occupied\":" + occupied[d] + "}}");
                }
                page.waitForTimeout(1000);
                double seconds = (System.currentTimeMillis() - start) / 1000.0;
                JsonNode smooth = JSON.readTree(page.evaluate(
                        "() => JSON.stringify({frames: window.__frames, changes: window.__changes.length, long: window.__long})").toString());
                double longTotal = 0;
                double longMax = 0;
                for (JsonNode d : smooth.get("long")) {
                    longTotal += d.asDouble();
                    longMax = Math.max(longMax, d.asDouble());
                }
                System.out.printf(Locale.ROOT, "floor of %d desks: reading to colour change: p50 %.0f ms,"
                        + " p99 %.0f ms, max %.0f ms (%d changes)%n", DESKS, percentile(l, 50), percentile(l, 99),
                        percentile(l, 100), l.length);
                System.out.printf(Locale.ROOT, "while 100 spaces change per second: %.0f animation frames/s, %d changes shown,"
                        + " %d long tasks (total %.0f ms, longest %.0f ms) in %.1f s%n", smooth.get("frames").asDouble() / seconds,
                        smooth.get("changes").asInt(), smooth.get("long").size(), longTotal, longMax, seconds);
            }
            browser.close();
        }
    }

    /** Navigates a fresh context to the map and reads when the floor was drawn, in ms from navigation start. */
    static double firstRender(Browser browser, String url, String lastSpace) {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
            Page page = context.newPage();
            page.navigate(url);
            page.waitForSelector("#map g[data-space='" + lastSpace + "'][data-state]");
            return ((Number) page.evaluate("() => performance.getEntriesByName('valley-floor-rendered')[0].startTime")).doubleValue();
        }
    }

    /** A site of one floor of 1,000 desks, each with a desk sensor posting over HTTP; returns the http integration's key. */
    static String largeFloor(String url, String key) throws Exception {
        send(url, key, "POST", "/api/v1/tenants", "{\"id\":\"bench\",\"name\":\"Bench\"}");
        String httpKey = JSON.readTree(send(url, key, "POST", "/api/v1/integrations", "{\"kind\":\"http\",\"tenant\":\"bench\"}"))
                .get("key").asText();
        StringBuilder spaces = new StringBuilder();
        for (int i = 0; i < DESKS; i++) {
            spaces.append(i == 0 ? "" : ",").append("{\"id\":\"bd-").append(i).append("\",\"name\":\"Desk ").append(i)
                    .append("\",\"kind\":\"desk\",\"capacity\":1}");
        }
        send(url, key, "PUT", "/api/v1/sites/bench-floor", "{\"tenant\":\"bench\",\"name\":\"Bench floor\",\"timezone\":\"UTC\","
                + "\"buildings\":[{\"id\":\"bb\",\"name\":\"B\",\"floors\":[{\"id\":\"bf\",\"name\":\"1,000 desks\",\"level\":0,"
                + "\"spaces\":[" + spaces + "]}]}]}");
        for (int i = 0; i < DESKS; i++) {
            send(url, key, "POST", "/api/v1/devices", "{\"id\":\"bd-" + i + "\",\"tenant\":\"bench\",\"network\":{\"kind\":\"http\","
                    + "\"id\":\"bd-" + i + "\"},\"space\":\"bd-" + i + "\",\"role\":\"desk\"}");
            post(url, "/ingest/http/bd-" + i + "?key=" + httpKey, "{\"values\":{\"occupied\":" + (i % 2 == 0) + "}}");
        }
        return httpKey;
    }

    static void post(String url, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(path + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    static String send(String url, String key, String method, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("authorization", "Bearer " + key)
                .header("content-type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2 && r.statusCode() != 409) {
            throw new IllegalStateException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    static double percentile(double[] values, double p) {
        double[] v = values.clone();
        Arrays.sort(v);
        int i = (int) Math.ceil(p / 100 * v.length) - 1;
        return v[Math.max(0, Math.min(v.length - 1, i))];
    }
}
