package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.options.WaitForSelectorState;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in Debian's real Chromium (headless, driven by Playwright; never a downloaded
 * browser) against a real node: the floor map follows a frame posted to the ingestion endpoint
 * without a reload, a room is found and booked in one click, an occupant key sees no fleet, and the
 * phone layout of the nap room fits a narrow screen. Screenshots go to {@code target/screenshots}.
 */
class DashboardBrowserTest {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path SHOTS = Path.of("target/screenshots");

    @TempDir
    static Path dir;

    static TestNode node;
    static Playwright playwright;
    static Browser browser;
    static String httpKey;
    static String occupantKey;

    @BeforeAll
    static void start() throws Exception {
        assertThat(CHROMIUM).as("Debian's chromium is installed (apt-get install chromium)").exists();
        Files.createDirectories(SHOTS);
        node = TestNode.start(dir);
        node.create("/api/v1/tenants", "{\"id\":\"lab\",\"name\":\"Living lab\"}");
        httpKey = node.integration("lab", "http");
        occupantKey = node.create("/api/v1/tenants/lab/keys", "{\"role\":\"occupant\"}").get("key").asText();
        TestNode.Response site = node.put("/api/v1/sites/campus", node.admin(), "{\"tenant\":\"lab\",\"name\":\"Campus\","
                + "\"timezone\":\"Europe/Paris\",\"buildings\":[{\"id\":\"main\",\"name\":\"Main\",\"floors\":["
                + "{\"id\":\"f1\",\"name\":\"Floor 1\",\"level\":1,\"spaces\":["
                + "{\"id\":\"canal\",\"name\":\"Canal\",\"kind\":\"meeting-room\",\"capacity\":6,\"equipment\":[\"screen\"]},"
                + "{\"id\":\"garonne\",\"name\":\"Garonne\",\"kind\":\"meeting-room\",\"capacity\":12,\"equipment\":[\"screen\",\"video\"]},"
                + "{\"id\":\"nap\",\"name\":\"Nap room\",\"kind\":\"nap-room\",\"capacity\":3,"
                + "\"places\":[{\"id\":\"pod1\",\"name\":\"Pod 1\"},{\"id\":\"pod2\",\"name\":\"Pod 2\"},{\"id\":\"pod3\",\"name\":\"Pod 3\"}]}]},"
                + "{\"id\":\"f2\",\"name\":\"Floor 2\",\"level\":2,\"spaces\":["
                + "{\"id\":\"booth\",\"name\":\"Booth\",\"kind\":\"phone-booth\",\"capacity\":1}]}]}]}");
        assertThat(site.status()).as(site.body()).isIn(200, 201);
        for (String[] d : List.of(new String[] {"pir-canal", "canal", "motion"}, new String[] {"pir-garonne", "garonne", "motion"},
                new String[] {"seat-pod1", "pod1", "seat"}, new String[] {"seat-pod2", "pod2", "seat"},
                new String[] {"seat-pod3", "pod3", "seat"})) {
            node.create("/api/v1/devices", "{\"id\":\"" + d[0] + "\",\"tenant\":\"lab\",\"network\":{\"kind\":\"http\",\"id\":\""
                    + d[0] + "\"},\"space\":\"" + d[1] + "\",\"role\":\"" + d[2] + "\"}");
        }
        reading("pir-canal", "{\"motion\":0}");
        reading("pir-garonne", "{\"motion\":0}");
        reading("seat-pod1", "{\"occupied\":true}");
        reading("seat-pod2", "{\"occupied\":false}");
        reading("seat-pod3", "{\"occupied\":false}");
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
        if (playwright != null) {
            playwright.close();
        }
        if (node != null) {
            node.close();
        }
    }

    static void reading(String device, String values) {
        TestNode.Response r = node.post("/ingest/http/" + device + "?key=" + httpKey, null, "{\"values\":" + values + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    /** Errors thrown by the page's JavaScript; each test checks there were none before it closes its page. */
    static final List<String> pageErrors = new java.util.concurrent.CopyOnWriteArrayList<>();

    static Page page(BrowserContext context) {
        Page page = context.newPage();
        pageErrors.clear();
        page.onPageError(pageErrors::add);
        return page;
    }

    static Page open(BrowserContext context, String key, String view) {
        Page page = page(context);
        page.navigate(node.url("/?key=" + key + "#/" + view));
        return page;
    }

    static void close(Page page) {
        assertThat(pageErrors).as("JavaScript errors on the page").isEmpty();
        page.close();
    }

    static Locator space(Page page, String id) {
        return page.locator("#map g[data-space='" + id + "']");
    }

    @Test
    void floorMap_changesColourWhenAFrameArrives_withoutReloading() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 800))) {
            Page page = open(context, node.admin(), "map");
            space(page, "canal").waitFor();
            page.waitForSelector("#map g[data-space='canal'][data-state='free']");
            page.waitForSelector("#live.on");
            Object marker = page.evaluate("() => (window.__notReloaded = true)");
            assertThat(marker).isEqualTo(true);

            reading("pir-canal", "{\"motion\":3}");

            page.waitForSelector("#map g[data-space='canal'][data-state='occupied']",
                    new Page.WaitForSelectorOptions().setTimeout(5_000));
            assertThat(page.evaluate("() => window.__notReloaded")).as("the page was not reloaded").isEqualTo(true);
            assertThat(space(page, "canal").locator("rect.box").getAttribute("class")).contains("state-occupied");
            assertThat(space(page, "garonne").getAttribute("data-state")).isEqualTo("free");
            assertThat(space(page, "pod1").getAttribute("data-state")).isEqualTo("occupied");
            assertThat(space(page, "canal").getAttribute("aria-label")).startsWith("Canal: occupied");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("floor-map.png")).setFullPage(true));

            page.locator("#map-floors button[data-floor='f2']").click();
            space(page, "booth").waitFor();
            assertThat(space(page, "canal").count()).isZero();
            close(page);
        }
    }

    @Test
    void findARoom_listsFreeRooms_andBooksOneInOneClick() {
        try (BrowserContext context = browser.newContext()) {
            Page page = open(context, node.admin(), "find");
            page.selectOption("#find-form [name=kind]", "meeting-room");
            page.fill("#find-form [name=minCapacity]", "8");
            page.fill("#find-form [name=equipment]", "video");
            page.click("#find-form button[type=submit]");
            Locator result = page.locator("#find-results li[data-space='garonne']");
            result.waitFor();
            assertThat(page.locator("#find-results li").count()).as("Canal seats 6: not a match").isEqualTo(1);

            result.locator("button").click();
            page.waitForSelector("#find-status:has-text('Booked garonne')");
            TestNode.Response bookings = node.get("/api/v1/bookings?space=garonne", node.admin());
            assertThat(bookings.json()).hasSize(1);
            assertThat(bookings.json().get(0).get("status").asText()).isEqualTo("booked");

            page.navigate(node.url("/#/bookings"));
            page.waitForSelector("#bookings-rows td:has-text('garonne')");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("bookings.png")));
            close(page);
        }
    }

    @Test
    void phone_showsTheNapRoomsFreePlaces_onANarrowScreen_andAnOccupantSeesNoFleet() {
        try (BrowserContext context = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setIsMobile(true).setHasTouch(true).setDeviceScaleFactor(2))) {
            Page page = open(context, occupantKey, "nap");
            page.waitForSelector("#nap-rooms article[data-space='nap'] .big");
            assertThat(page.locator("#nap-rooms article[data-space='nap'] .big").textContent().trim()).isEqualTo("2");
            assertThat(page.locator("nav a[data-view='fleet']").isHidden()).as("an occupant key has no fleet").isTrue();
            Object overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).as("no sideways scrolling on a phone").isLessThanOrEqualTo(0);

            reading("seat-pod2", "{\"occupied\":true}");
            page.waitForSelector("#nap-rooms article[data-space='nap'] .big:text-is('1')",
                    new Page.WaitForSelectorOptions().setTimeout(5_000));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("nap-room-phone.png")).setFullPage(true));

            page.navigate(node.url("/#/find"));
            page.waitForSelector("#find-form", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("find-a-room-phone.png")).setFullPage(true));
            close(page);
        }
    }

    @Test
    void keyboard_reachesTheViews_andAWrongKeyIsRefused() {
        try (BrowserContext context = browser.newContext()) {
            Page page = page(context);
            page.navigate(node.url("/"));
            page.waitForSelector("#login-form", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
            page.fill("#login-key", "not-a-key");
            page.keyboard().press("Enter");
            page.waitForSelector("#login-error:has-text('not known')");

            page.fill("#login-key", node.admin());
            page.keyboard().press("Enter");
            page.waitForSelector("#view-map", new Page.WaitForSelectorOptions().setState(WaitForSelectorState.VISIBLE));
            page.focus("nav a[data-view='fleet']");
            page.keyboard().press("Enter");
            page.waitForSelector("#fleet-rows a:has-text('pir-canal')");
            page.locator("#fleet-rows a:has-text('pir-canal')").focus();
            page.keyboard().press("Enter");
            page.waitForSelector("#device-title:has-text('pir-canal')");
            page.waitForSelector("#device-charts figure");
            page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("device.png")).setFullPage(true));
            close(page);
        }
    }
}
