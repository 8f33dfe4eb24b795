package org.valley.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spaces through a real node whose time rules run on a stepped clock: sites, occupancy from
 * readings sent to the network endpoints, availability, bookings and their no-show release, the
 * event stream, tenancy, and a restart.
 */
class SpacesTest {

    static final Instant START = Instant.parse("2026-11-02T08:00:00Z");
    static final SteppedClock clock = new SteppedClock(START);
    static final AtomicInteger ids = new AtomicInteger();
    static TestNode node;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws IOException {
        node = TestNode.start(dir.resolve("node"), clock);
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A tenant with an http integration and a tenant key: {tenant, http key, tenant key}. */
    static String[] tenant(TestNode n) {
        String t = "s" + ids.incrementAndGet();
        n.create("/api/v1/tenants", "{\"id\":\"" + t + "\"}");
        String http = n.integration(t, "http");
        String key = n.create("/api/v1/tenants/" + t + "/keys", "{\"role\":\"tenant\"}").get("key").asText();
        return new String[] {t, http, key};
    }

    /** A site of one building: floor f1 (level 1) and floor f2 (level 2) with the spaces given as JSON. */
    static String siteDocument(String tenant, String floor1, String floor2) {
        return "{\"tenant\":\"" + tenant + "\",\"name\":\"Campus " + tenant + "\",\"timezone\":\"Europe/Paris\","
                + "\"buildings\":[{\"id\":\"main\",\"floors\":[{\"id\":\"f1\",\"level\":1,\"spaces\":[" + floor1 + "]},"
                + "{\"id\":\"f2\",\"level\":2,\"spaces\":[" + floor2 + "]}]}]}";
    }

    static void putSite(TestNode n, String tenant, String floor1, String floor2) {
        TestNode.Response r = n.put("/api/v1/sites/" + tenant + "-site", n.admin(), siteDocument(tenant, floor1, floor2));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    static String room(String id, String kind, int capacity, String... equipment) {
        return "{\"id\":\"" + id + "\",\"kind\":\"" + kind + "\",\"capacity\":" + capacity + ",\"equipment\":["
                + String.join(",", java.util.Arrays.stream(equipment).map(e -> "\"" + e + "\"").toList()) + "]}";
    }

    /** Registers an http device bound to {@code space} with {@code role}. */
    static void bind(TestNode n, String tenant, String device, String space, String role) {
        n.create("/api/v1/devices", "{\"id\":\"" + device + "\",\"tenant\":\"" + tenant + "\",\"network\":{\"kind\":\"http\","
                + "\"id\":\"" + device + "\"},\"space\":\"" + space + "\",\"role\":\"" + role + "\"}");
    }

    /** Posts readings of now (the stepped clock's) to the generic HTTP endpoint. */
    static void reading(TestNode n, String httpKey, String device, String values) {
        TestNode.Response r = n.post("/ingest/http/" + device + "?key=" + httpKey, null,
                "{\"ts\":\"" + clock.instant() + "\",\"values\":" + values + "}");
        assertThat(r.status()).as(r.body()).isEqualTo(204);
    }

    static JsonNode space(TestNode n, String id) {
        TestNode.Response r = n.get("/api/v1/spaces/" + id, n.admin());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    static void awaitState(TestNode n, String id, String state) {
        Await.until(id + " to be " + state, 10, () -> space(n, id).get("state").asText().equals(state));
    }

    static List<String> ids(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.get("id").asText()));
        return out;
    }

    static void assertProblem(TestNode.Response r, int status, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        if (field != null) {
            assertThat(r.json().get("field").asText()).as(r.body()).isEqualTo(field);
        }
        assertThat(r.json().get("detail").asText()).isNotBlank();
    }

    @Test
    void motion_occupiesAtOnce_andFreesAfterTheHoldOff_asTheClockSteps() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6, "screen"), "");
        assertThat(space(node, room).get("state").asText()).as("no sensor yet").isEqualTo("unknown");
        bind(node, t[0], t[0] + "-pir", room, "motion");

        reading(node, t[1], t[0] + "-pir", "{\"motion\":1}");
        awaitState(node, room, "occupied");
        JsonNode s = space(node, room);
        assertThat(s.get("count").asInt()).isEqualTo(1);
        assertThat(s.get("countInferred").asBoolean()).isTrue();
        assertThat(s.get("since").asText()).isEqualTo(clock.instant().toString());
        assertThat(s.get("kind").asText()).isEqualTo("meeting-room");
        assertThat(s.get("capacity").asInt()).isEqualTo(6);
        assertThat(s.get("floor").asText()).isEqualTo("f1");
        assertThat(s.get("site").asText()).isEqualTo(t[0] + "-site");
        Instant occupiedAt = clock.instant();

        clock.step(Duration.ofMinutes(6)); // the meeting room's hold-off is 5 minutes
        awaitState(node, room, "free");
        assertThat(space(node, room).get("since").asText()).isEqualTo(occupiedAt.plus(Duration.ofMinutes(5)).toString());

        JsonNode timeline = node.get("/api/v1/spaces/" + room + "/timeline?from=" + occupiedAt.minusSeconds(60) + "&to="
                + clock.instant().plusSeconds(1), t[2]).json();
        List<String> states = new ArrayList<>();
        timeline.forEach(p -> states.add(p.get("state").asText()));
        assertThat(states).containsSubsequence("occupied", "free");
        assertThat(timeline.get(timeline.size() - 1).get("at").asText())
                .isEqualTo(occupiedAt.plus(Duration.ofMinutes(5)).toString());
    }

    @Test
    void aReadingArrivingHoursLate_rewritesTheTimelineFromItsOwnTime() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6), "");
        bind(node, t[0], t[0] + "-pir", room, "motion");
        reading(node, t[1], t[0] + "-pir", "{\"motion\":0}");
        awaitState(node, room, "free");

        Instant twoHoursAgo = clock.instant().minus(Duration.ofHours(2));
        TestNode.Response late = node.post("/ingest/http/" + t[0] + "-pir?key=" + t[1], null,
                "{\"ts\":\"" + twoHoursAgo + "\",\"values\":{\"motion\":1}}");
        assertThat(late.status()).isEqualTo(204);
        String timeline = "/api/v1/spaces/" + room + "/timeline?from=" + twoHoursAgo.minusSeconds(60) + "&to="
                + clock.instant().plusSeconds(1);
        Await.until("the timeline rewritten", 10, () -> node.get(timeline, t[2]).json().toString()
                .contains(twoHoursAgo.toString()));
        JsonNode points = node.get(timeline, t[2]).json();
        List<String> seen = new ArrayList<>();
        points.forEach(p -> seen.add(p.get("at").asText() + " " + p.get("state").asText()));
        assertThat(seen).containsSubsequence(twoHoursAgo + " occupied",
                twoHoursAgo.plus(Duration.ofMinutes(5)) + " free");
        assertThat(space(node, room).get("state").asText()).isEqualTo("free");
    }

    @Test
    void openapi_describesTheSpaceEndpoints() {
        JsonNode paths = node.get("/openapi.json", null).json().get("paths");
        for (String p : new String[] {"/api/v1/sites", "/api/v1/sites/{id}", "/api/v1/spaces", "/api/v1/spaces/{id}",
            "/api/v1/spaces/{id}/timeline", "/api/v1/availability", "/api/v1/bookings", "/api/v1/bookings/{id}",
            "/api/v1/bookings/{id}/cancel", "/api/v1/stream"}) {
            assertThat(paths.has(p)).as(p).isTrue();
        }
    }

    @Test
    void waspInABox_motionBehindAShutDoorKeepsTheRoomOccupied_untilTheDoorOpens() {
        String[] t = tenant(node);
        String box = t[0] + "-box";
        String control = t[0] + "-control";
        putSite(node, t[0], room(box, "meeting-room", 4) + "," + room(control, "meeting-room", 4), "");
        bind(node, t[0], t[0] + "-door", box, "door");
        bind(node, t[0], t[0] + "-pir", box, "motion");
        bind(node, t[0], t[0] + "-pir2", control, "motion");

        reading(node, t[1], t[0] + "-door", "{\"open\":false}");
        clock.step(Duration.ofMinutes(1));
        reading(node, t[1], t[0] + "-pir", "{\"motion\":1}");
        reading(node, t[1], t[0] + "-pir2", "{\"motion\":1}");
        awaitState(node, box, "occupied");
        awaitState(node, control, "occupied");

        clock.step(Duration.ofMinutes(30));
        awaitState(node, control, "free"); // the rules have run at this time
        assertThat(space(node, box).get("state").asText()).as("motion seen behind the shut door").isEqualTo("occupied");

        reading(node, t[1], t[0] + "-door", "{\"open\":true}");
        clock.step(Duration.ofMinutes(6));
        awaitState(node, box, "free");
    }

    @Test
    void napRoom_countsItsFreePlaces_fromSeatSensorsOnItsPods() {
        String[] t = tenant(node);
        String nap = t[0] + "-nap";
        putSite(node, t[0], "{\"id\":\"" + nap + "\",\"kind\":\"nap-room\",\"places\":[{\"id\":\"" + nap + "-p1\"},{\"id\":\""
                + nap + "-p2\"},{\"id\":\"" + nap + "-p3\"}]}", "");
        for (int i = 1; i <= 3; i++) {
            bind(node, t[0], t[0] + "-seat" + i, nap + "-p" + i, "seat");
            reading(node, t[1], t[0] + "-seat" + i, "{\"occupied\":false}");
        }
        Await.until("three free pods", 10, () -> space(node, nap).path("freePlaces").asInt(-1) == 3);
        assertThat(space(node, nap).get("places")).hasSize(3);
        assertThat(space(node, nap + "-p2").get("kind").asText()).isEqualTo("nap-pod");
        assertThat(space(node, nap + "-p2").get("parent").asText()).isEqualTo(nap);

        clock.step(Duration.ofSeconds(30));
        reading(node, t[1], t[0] + "-seat1", "{\"occupied\":true}");
        reading(node, t[1], t[0] + "-seat3", "{\"occupied\":true}");
        Await.until("one free pod", 10, () -> space(node, nap).path("freePlaces").asInt(-1) == 1);
        assertThat(space(node, nap + "-p1").get("state").asText()).isEqualTo("occupied");
        assertThat(space(node, nap + "-p2").get("state").asText()).isEqualTo("free");
        assertThat(space(node, nap).get("state").asText()).isEqualTo("occupied");
    }

    @Test
    void inOutCounter_neverGoesBelowZero() {
        String[] t = tenant(node);
        String hall = t[0] + "-hall";
        putSite(node, t[0], "{\"id\":\"" + hall + "\",\"kind\":\"entrance\"}", "");
        bind(node, t[0], t[0] + "-counter", hall, "counter");

        reading(node, t[1], t[0] + "-counter", "{\"in\":2,\"out\":0}");
        Await.until("two inside", 10, () -> space(node, hall).get("count").asInt() == 2);
        clock.step(Duration.ofMinutes(1));
        reading(node, t[1], t[0] + "-counter", "{\"in\":0,\"out\":5}");
        Await.until("nobody inside", 10, () -> space(node, hall).get("state").asText().equals("free"));
        assertThat(space(node, hall).get("count").asInt()).isZero();
        clock.step(Duration.ofMinutes(1));
        reading(node, t[1], t[0] + "-counter", "{\"in\":1}");
        Await.until("one inside", 10, () -> space(node, hall).get("count").asInt() == 1);
        assertThat(space(node, hall).get("countInferred").asBoolean()).isFalse();
    }

    @Test
    void sigfoxFrames_decodedByTheDevicesCodec_occupyTheRoom() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "phone-booth", 1), "");
        String sigfoxKey = node.integration(t[0], "sigfox");
        node.create("/api/v1/codecs", "{\"id\":\"" + t[0] + "-pir\",\"tenant\":\"" + t[0]
                + "\",\"kind\":\"sigfox-grammar\",\"config\":\"motion::uint:8\"}");
        String sigfoxId = String.format("%X", 0xC000 + ids.incrementAndGet());
        node.create("/api/v1/devices", "{\"id\":\"" + t[0] + "-sfx\",\"tenant\":\"" + t[0] + "\",\"network\":{\"kind\":"
                + "\"sigfox\",\"id\":\"" + sigfoxId + "\"},\"codec\":\"" + t[0] + "-pir\",\"space\":\"" + room
                + "\",\"role\":\"motion\"}");

        TestNode.Response r = node.sigfox(sigfoxKey, "{\"device\":\"" + sigfoxId + "\",\"time\":"
                + clock.instant().getEpochSecond() + ",\"data\":\"03\",\"seqNumber\":1}");
        assertThat(r.status()).as(r.body()).isIn(200, 204);
        awaitState(node, room, "occupied");
    }

    @Test
    void availability_filtersByKindCapacityFloorEquipmentAndDuration_bestMatchFirst() {
        String[] t = tenant(node);
        String p = t[0] + "-";
        putSite(node, t[0], String.join(",", room(p + "a", "meeting-room", 4, "screen"), room(p + "c", "meeting-room", 4),
                        room(p + "d", "meeting-room", 12, "screen"), room(p + "e", "meeting-room", 4, "screen", "whiteboard"),
                        room(p + "phone", "phone-booth", 1)),
                room(p + "b", "meeting-room", 8, "screen"));
        for (String s : new String[] {"a", "b", "c", "d", "e", "phone"}) {
            bind(node, t[0], p + "pir-" + s, p + s, "motion");
            reading(node, t[1], p + "pir-" + s, s.equals("d") ? "{\"motion\":1}" : "{\"motion\":0}");
        }
        Await.until("rooms known", 10, () -> space(node, p + "phone").get("state").asText().equals("free")
                && space(node, p + "d").get("state").asText().equals("occupied"));
        Instant bookedFrom = clock.instant().plus(Duration.ofMinutes(30));
        TestNode.Response booking = node.post("/api/v1/bookings", t[2], "{\"space\":\"" + p + "e\",\"start\":\"" + bookedFrom
                + "\",\"end\":\"" + bookedFrom.plus(Duration.ofHours(1)) + "\",\"organizer\":\"ada\"}");
        assertThat(booking.status()).as(booking.body()).isEqualTo(201);

        JsonNode screens = node.get("/api/v1/availability?minCapacity=4&equipment=screen", t[2]).json();
        assertThat(ids(screens)).as("smallest first; of equal size the one free longest").containsExactly(p + "a", p + "e", p + "b");
        assertThat(screens.get(0).get("freeUntil").isNull()).isTrue();
        assertThat(screens.get(1).get("freeUntil").asText()).isEqualTo(bookedFrom.toString());
        assertThat(ids(node.get("/api/v1/availability?minCapacity=4&equipment=screen&duration=PT1H", t[2]).json()))
                .as("e is booked in 30 minutes").containsExactly(p + "a", p + "b");
        assertThat(ids(node.get("/api/v1/availability?equipment=screen,whiteboard", t[2]).json())).containsExactly(p + "e");
        assertThat(ids(node.get("/api/v1/availability?floor=2", t[2]).json())).containsExactly(p + "b");
        assertThat(ids(node.get("/api/v1/availability?floor=f2", t[2]).json())).containsExactly(p + "b");
        assertThat(ids(node.get("/api/v1/availability?kind=phone-booth", t[2]).json())).containsExactly(p + "phone");
        assertThat(ids(node.get("/api/v1/availability?minCapacity=9", t[2]).json())).as("d is occupied").isEmpty();
        assertThat(ids(node.get("/api/v1/availability", t[2]).json())).containsExactly(p + "phone", p + "a", p + "c",
                p + "e", p + "b");

        assertThat(ids(node.get("/api/v1/spaces?kind=meeting-room&floor=f1", t[2]).json()))
                .containsExactly(p + "a", p + "c", p + "d", p + "e");
        assertThat(ids(node.get("/api/v1/spaces?site=" + t[0] + "-site", t[2]).json())).hasSize(6);

        assertProblem(node.get("/api/v1/availability?kind=kitchen", t[2]), 400, "kind");
        assertProblem(node.get("/api/v1/availability?minCapacity=0", t[2]), 400, "minCapacity");
        assertProblem(node.get("/api/v1/availability?minCapacity=x", t[2]), 400, "minCapacity");
        assertProblem(node.get("/api/v1/availability?duration=1h", t[2]), 400, "duration");
        assertProblem(node.get("/api/v1/availability?limit=0", t[2]), 400, "limit");
        assertProblem(node.get("/api/v1/spaces?kind=kitchen", t[2]), 400, "kind");
        assertProblem(node.get("/api/v1/spaces/" + p + "a/timeline?from=yesterday", t[2]), 400, "from");
    }

    @Test
    void bookings_refuseOverlaps_andBadFields_withProblems() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6) + ",{\"id\":\"" + t[0] + "-hall\",\"kind\":\"entrance\"}", "");
        Instant ten = clock.instant().plus(Duration.ofHours(2));
        TestNode.Response first = node.post("/api/v1/bookings", t[2], booking(room, ten, ten.plus(Duration.ofHours(1))));
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(first.json().get("status").asText()).isEqualTo("booked");

        TestNode.Response overlap = node.post("/api/v1/bookings", t[2],
                booking(room, ten.plus(Duration.ofMinutes(30)), ten.plus(Duration.ofMinutes(90))));
        assertProblem(overlap, 409, "start");
        assertThat(overlap.json().get("detail").asText()).contains(first.json().get("id").asText());
        TestNode.Response after = node.post("/api/v1/bookings", t[2], booking(room, ten.plus(Duration.ofHours(1)),
                ten.plus(Duration.ofHours(2))));
        assertThat(after.status()).as("back to back is no overlap: " + after.body()).isEqualTo(201);

        String s = clock.instant().plus(Duration.ofHours(5)).toString();
        String e = clock.instant().plus(Duration.ofHours(6)).toString();
        String[][] cases = {
            {"{}", "space"},
            {"{\"space\":\"nowhere\",\"start\":\"" + s + "\",\"end\":\"" + e + "\"}", "space"},
            {"{\"space\":\"" + t[0] + "-hall\",\"start\":\"" + s + "\",\"end\":\"" + e + "\"}", "space"},
            {"{\"space\":\"" + room + "\",\"end\":\"" + e + "\"}", "start"},
            {"{\"space\":\"" + room + "\",\"start\":\"tomorrow\",\"end\":\"" + e + "\"}", "start"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + s + "\"}", "end"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + e + "\",\"end\":\"" + s + "\"}", "end"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + s + "\",\"end\":\"" + clock.instant().plus(Duration.ofDays(2)) + "\"}", "end"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + clock.instant().minus(Duration.ofHours(1)) + "\",\"end\":\"" + e + "\"}", "start"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + s + "\",\"end\":\"" + e + "\",\"organizer\":\"" + "x".repeat(201) + "\"}", "organizer"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + s + "\",\"end\":\"" + e + "\",\"organizer\":7}", "organizer"},
            {"{\"space\":\"" + room + "\",\"start\":\"" + s + "\",\"end\":\"" + e + "\",\"room\":\"x\"}", "room"},
        };
        for (String[] c : cases) {
            assertProblem(node.post("/api/v1/bookings", t[2], c[0]), 400, c[1]);
        }
        assertProblem(node.post("/api/v1/bookings", t[2], "{\"space\":"), 400, null);
        assertProblem(node.get("/api/v1/bookings?status=lost", t[2]), 400, "status");
        assertProblem(node.get("/api/v1/bookings/bk-none", t[2]), 404, null);

        JsonNode listed = node.get("/api/v1/bookings?space=" + room + "&status=booked", t[2]).json();
        assertThat(listed).hasSize(2);
        String id = first.json().get("id").asText();
        TestNode.Response cancelled = node.post("/api/v1/bookings/" + id + "/cancel", t[2], null);
        assertThat(cancelled.status()).as(cancelled.body()).isEqualTo(200);
        assertThat(cancelled.json().get("status").asText()).isEqualTo("cancelled");
        assertProblem(node.post("/api/v1/bookings/" + id + "/cancel", t[2], null), 409, null);
        assertThat(node.get("/api/v1/bookings/" + id, t[2]).json().get("status").asText()).isEqualTo("cancelled");
        assertThat(node.get("/api/v1/bookings?space=" + room + "&status=cancelled", t[2]).json()).hasSize(1);
        TestNode.Response again = node.post("/api/v1/bookings", t[2], booking(room, ten.plus(Duration.ofMinutes(30)),
                ten.plus(Duration.ofMinutes(60))));
        assertThat(again.status()).as("the cancelled booking no longer holds the room: " + again.body()).isEqualTo(201);
        TestNode.Response deleted = node.send("DELETE", "/api/v1/bookings/" + again.json().get("id").asText(), t[2], null);
        assertThat(deleted.json().get("status").asText()).isEqualTo("cancelled");
    }

    static String booking(String space, Instant start, Instant end) {
        return "{\"space\":\"" + space + "\",\"start\":\"" + start + "\",\"end\":\"" + end + "\",\"organizer\":\"ada\"}";
    }

    @Test
    void siteDocuments_badFieldsAreNamedByPath_andSpaceIdsBelongToOneSite() {
        String[] t = tenant(node);
        String path = "/api/v1/sites/" + t[0] + "-site";
        assertProblem(node.put(path, t[2], siteDocument(t[0], "{\"id\":\"x1\",\"kind\":\"kitchen\"}", "")), 400,
                "buildings[0].floors[0].spaces[0].kind");
        assertProblem(node.put(path, t[2], siteDocument(t[0], room(t[0] + "-r", "meeting-room", 4), "{\"id\":\"" + t[0]
                + "-r\",\"kind\":\"desk\"}")), 400, "buildings[0].floors[1].spaces[0].id");
        assertProblem(node.put(path, t[2], "{\"timezone\":\"Mars/Olympus\"}"), 400, "timezone");
        assertProblem(node.put(path, t[2], "{\"capcity\":3}"), 400, "capcity");
        assertProblem(node.put(path, t[2], "[1]"), 400, null);
        assertProblem(node.put(path, t[2], "{"), 400, null);
        assertProblem(node.put("/api/v1/sites/-bad", t[2], siteDocument(t[0], "", "")), 400, "id");

        TestNode.Response ok = node.put(path, t[2], siteDocument(t[0], room(t[0] + "-r", "meeting-room", 4), ""));
        assertThat(ok.status()).as(ok.body()).isEqualTo(201);
        assertThat(ok.json().get("tenant").asText()).isEqualTo(t[0]);
        assertThat(ok.json().get("bookings").get("noShowGrace").asText()).as("defaults written out").isEqualTo("PT10M");
        assertThat(node.put(path, t[2], siteDocument(t[0], room(t[0] + "-r", "meeting-room", 5), "")).status()).isEqualTo(200);
        assertThat(space(node, t[0] + "-r").get("capacity").asInt()).isEqualTo(5);

        String[] other = tenant(node);
        assertProblem(node.put("/api/v1/sites/" + other[0] + "-site", other[2], siteDocument(other[0], "",
                room(t[0] + "-r", "desk", 1))), 409, "buildings[0].floors[1].spaces[0].id");
        assertProblem(node.put(path, other[2], siteDocument(other[0], "", "")), 409, null);

        assertThat(node.send("DELETE", path, t[2], null).status()).isEqualTo(204);
        assertThat(node.get(path, t[2]).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/spaces/" + t[0] + "-r", t[2]).status()).isEqualTo(404);
    }

    @Test
    void noShow_releasesTheRoomAfterTheGrace_withEventsOnTheStream() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6), "");
        bind(node, t[0], t[0] + "-pir", room, "motion");
        reading(node, t[1], t[0] + "-pir", "{\"motion\":0}");
        awaitState(node, room, "free");

        try (Sse stream = new Sse(node.url("/api/v1/stream?topics=spaces&key=" + t[2]), null)) {
            assertThat(stream.status).isEqualTo(200);
            assertThat(stream.contentType).startsWith("text/event-stream");
            Instant start = clock.instant().plus(Duration.ofMinutes(1));
            TestNode.Response made = node.post("/api/v1/bookings", t[2], booking(room, start, start.plus(Duration.ofMinutes(30))));
            assertThat(made.status()).as(made.body()).isEqualTo(201);
            String id = made.json().get("id").asText();
            stream.await("the booking event", 5, e -> e.name().equals("booking") && e.data().get("id").asText().equals(id));
            assertThat(space(node, room).get("freeUntil").asText()).isEqualTo(start.toString());

            clock.step(Duration.ofMinutes(2));
            Await.until("the booking to hold the room", 10, () -> space(node, room).get("booking").asText("").equals(id));
            assertThat(ids(node.get("/api/v1/availability", t[2]).json())).doesNotContain(room);

            clock.step(Duration.ofMinutes(10)); // grace of 10 minutes after the start, nobody came
            Sse.Event released = stream.await("the release", 5, e -> e.name().equals("booking")
                    && e.data().get("status").asText().equals("released-no-show"));
            assertThat(released.data().get("tenant").asText()).isEqualTo(t[0]);
            stream.await("the room available again", 5, e -> e.name().equals("space")
                    && e.data().get("id").asText().equals(room) && e.data().get("available").asBoolean());
            assertThat(ids(node.get("/api/v1/availability", t[2]).json())).contains(room);
            JsonNode b = node.get("/api/v1/bookings/" + id, t[2]).json();
            assertThat(b.get("status").asText()).isEqualTo("released-no-show");
            assertThat(b.get("closedAt").asText()).isEqualTo(start.plus(Duration.ofMinutes(10)).toString());
        }
    }

    @Test
    void presenceChecksInABooking_andTheStreamCarriesTheChangeWithinASecond() {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6), "");
        bind(node, t[0], t[0] + "-pir", room, "motion");
        Instant start = clock.instant().plus(Duration.ofMinutes(1));
        String id = node.post("/api/v1/bookings", t[2], booking(room, start, start.plus(Duration.ofMinutes(30)))).json()
                .get("id").asText();
        clock.step(Duration.ofMinutes(3));

        try (Sse stream = new Sse(node.url("/api/v1/stream?topics=spaces"), t[2])) {
            reading(node, t[1], t[0] + "-pir", "{\"motion\":1}");
            long posted = System.nanoTime();
            Sse.Event occupied = stream.await("the occupied room", 5, e -> e.name().equals("space")
                    && e.data().get("id").asText().equals(room) && e.data().get("state").asText().equals("occupied"));
            assertThat(Duration.ofNanos(occupied.arrivedNanos() - posted)).isLessThan(Duration.ofSeconds(1));
            assertThat(occupied.data().get("count").asInt()).isEqualTo(1);
            stream.await("the check-in", 5, e -> e.name().equals("booking") && e.data().get("status").asText()
                    .equals("checked-in"));
        }
        JsonNode b = node.get("/api/v1/bookings/" + id, t[2]).json();
        assertThat(b.get("status").asText()).isEqualTo("checked-in");
        assertThat(b.get("checkedInAt").asText()).isEqualTo(clock.instant().toString());
    }

    @Test
    void tenants_seeOnlyTheirSpaces_streams_andBookings_andOccupantsBookForThemselves() {
        String[] a = tenant(node);
        String[] b = tenant(node);
        String roomA = a[0] + "-room";
        String roomB = b[0] + "-room";
        putSite(node, a[0], room(roomA, "meeting-room", 6), "");
        putSite(node, b[0], room(roomB, "meeting-room", 6), "");
        bind(node, a[0], a[0] + "-pir", roomA, "motion");
        bind(node, b[0], b[0] + "-pir", roomB, "motion");

        assertThat(node.get("/api/v1/sites/" + a[0] + "-site", b[2]).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/spaces/" + roomA, b[2]).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/spaces/" + roomA + "/timeline", b[2]).status()).isEqualTo(404);
        assertThat(ids(node.get("/api/v1/sites", b[2]).json())).containsExactly(b[0] + "-site");
        assertThat(ids(node.get("/api/v1/spaces", b[2]).json())).containsExactly(roomB);
        assertThat(node.send("DELETE", "/api/v1/sites/" + a[0] + "-site", b[2], null).status()).isEqualTo(404);
        Instant s = clock.instant().plus(Duration.ofHours(3));
        assertProblem(node.post("/api/v1/bookings", b[2], booking(roomA, s, s.plusSeconds(600))), 400, "space");
        assertProblem(node.post("/api/v1/devices", b[2], "{\"id\":\"" + b[0] + "-spy\",\"network\":{\"kind\":\"http\","
                + "\"id\":\"" + b[0] + "-spy\"},\"space\":\"" + roomA + "\",\"role\":\"motion\"}"), 400, "space");

        try (Sse streamA = new Sse(node.url("/api/v1/stream?topics=spaces&key=" + a[2]), null);
                Sse streamB = new Sse(node.url("/api/v1/stream?topics=spaces"), b[2])) {
            reading(node, a[1], a[0] + "-pir", "{\"motion\":1}");
            streamA.await("A's change", 5, e -> e.data().get("id").asText().equals(roomA));
            reading(node, b[1], b[0] + "-pir", "{\"motion\":1}");
            streamB.await("B's change", 5, e -> e.data().get("id").asText().equals(roomB));
            assertThat(streamB.events()).allSatisfy(e -> assertThat(e.data().get("tenant").asText()).isEqualTo(b[0]));
            assertThat(streamA.events()).allSatisfy(e -> assertThat(e.data().get("tenant").asText()).isEqualTo(a[0]));
        }
        assertThat(node.get("/api/v1/stream?topics=spaces", null).status()).isEqualTo(401);
        assertThat(node.get("/api/v1/stream?topics=spaces&key=vk_nobody", null).status()).isEqualTo(401);
        assertProblem(node.get("/api/v1/stream?topics=gossip", a[2]), 400, "topics");

        String occupant = node.create("/api/v1/tenants/" + a[0] + "/keys", "{\"role\":\"occupant\"}").get("key").asText();
        assertThat(node.get("/api/v1/spaces/" + roomA, occupant).status()).isEqualTo(200);
        assertThat(node.get("/api/v1/availability", occupant).status()).isEqualTo(200);
        assertThat(node.put("/api/v1/sites/" + a[0] + "-site", occupant, siteDocument(a[0], "", "")).status()).isEqualTo(403);
        TestNode.Response own = node.post("/api/v1/bookings", occupant, booking(roomA, s, s.plusSeconds(600)));
        assertThat(own.status()).as(own.body()).isEqualTo(201);
        TestNode.Response tenants = node.post("/api/v1/bookings", a[2], booking(roomA, s.plusSeconds(600), s.plusSeconds(1200)));
        assertThat(tenants.status()).as(tenants.body()).isEqualTo(201);
        assertProblem(node.post("/api/v1/bookings/" + tenants.json().get("id").asText() + "/cancel", occupant, null), 403, null);
        assertThat(node.post("/api/v1/bookings/" + own.json().get("id").asText() + "/cancel", occupant, null).status())
                .isEqualTo(200);
        assertThat(node.get("/api/v1/bookings/" + own.json().get("id").asText(), b[2]).status()).isEqualTo(404);
        assertThat(node.get("/api/v1/bookings", b[2]).json()).isEmpty();
    }

    @Test
    void spaceChanges_arePublishedToTheTenantsMqttSubscribers() throws Exception {
        String[] t = tenant(node);
        String room = t[0] + "-room";
        putSite(node, t[0], room(room, "meeting-room", 6), "");
        bind(node, t[0], t[0] + "-pir", room, "motion");
        String mqttKey = node.integration(t[0], "mqtt");
        Path out = dir.resolve("sub-" + t[0] + ".txt");
        Process sub = Mosquitto.sub(node.node.mqttPort(), out, "-V", "mqttv5", "-u", t[0], "-P", mqttKey, "-C", "1",
                "-W", "20", "-t", "valley/" + t[0] + "/spaces/+", "-v");
        Await.until("mosquitto_sub to subscribe", 10,
                () -> java.nio.file.Files.exists(out) && java.nio.file.Files.readString(out).contains("SUBACK"));

        reading(node, t[1], t[0] + "-pir", "{\"motion\":1}");
        Mosquitto.Run received = Mosquitto.await(sub, out, 20);
        assertThat(received.output()).contains("valley/" + t[0] + "/spaces/" + room)
                .contains("\"state\":\"occupied\"").contains("\"count\":1");
    }

    @Test
    void peopleCounters_resetAtTheSitesEmptyHour_reportingTheDrift(@TempDir Path own) throws IOException {
        SteppedClock c = new SteppedClock(START); // 09:00 in Paris
        try (TestNode n = TestNode.start(own, c)) {
            String[] t = tenant(n);
            String hall = t[0] + "-hall";
            TestNode.Response put = n.put("/api/v1/sites/" + t[0] + "-site", n.admin(), "{\"tenant\":\"" + t[0]
                    + "\",\"timezone\":\"Europe/Paris\",\"emptyHour\":\"03:00\",\"reportingIntervals\":{\"counter\":\"PT16H\"},"
                    + "\"buildings\":[{\"id\":\"b\",\"floors\":[{\"id\":\"f\",\"level\":0,\"spaces\":[{\"id\":\"" + hall
                    + "\",\"kind\":\"entrance\"}]}]}]}");
            assertThat(put.status()).as(put.body()).isEqualTo(201);
            bind(n, t[0], t[0] + "-counter", hall, "counter");
            TestNode.Response r = n.post("/ingest/http/" + t[0] + "-counter?key=" + t[1], null,
                    "{\"ts\":\"" + c.instant() + "\",\"values\":{\"in\":3,\"out\":0}}");
            assertThat(r.status()).isEqualTo(204);
            Await.until("three inside", 10, () -> space(n, hall).get("count").asInt() == 3);

            c.step(Duration.ofHours(18).plusMinutes(5)); // 03:05 in Paris the next day
            Await.until("the daily reset", 10, () -> space(n, hall).get("count").asInt() == 0);
            JsonNode drift = space(n, hall).get("drift");
            assertThat(drift.get("residual").asInt()).isEqualTo(3);
            assertThat(drift.get("at").asText()).isEqualTo("2026-11-03T02:00:00Z");
        }
    }

    @Test
    void aRestart_keepsSitesBookingsAndState(@TempDir Path own) throws IOException {
        SteppedClock c = new SteppedClock(START);
        String room;
        String bookingId;
        String[] t;
        try (TestNode n = TestNode.start(own, c)) {
            t = tenant(n);
            room = t[0] + "-room";
            putSite(n, t[0], room(room, "meeting-room", 6) + "," + room(t[0] + "-quiet", "meeting-room", 2), "");
            bind(n, t[0], t[0] + "-pir", room, "motion");
            bind(n, t[0], t[0] + "-pir2", t[0] + "-quiet", "motion");
            TestNode.Response r = n.post("/ingest/http/" + t[0] + "-pir?key=" + t[1], null,
                    "{\"ts\":\"" + c.instant() + "\",\"values\":{\"motion\":1}}");
            assertThat(r.status()).isEqualTo(204);
            n.post("/ingest/http/" + t[0] + "-pir2?key=" + t[1], null, "{\"ts\":\"" + c.instant().minusSeconds(600)
                    + "\",\"values\":{\"motion\":1}}");
            awaitState(n, room, "occupied");
            awaitState(n, t[0] + "-quiet", "free");
            Instant s = c.instant().plus(Duration.ofHours(1));
            bookingId = n.post("/api/v1/bookings", t[2], booking(room, s, s.plusSeconds(1800))).json().get("id").asText();
        }
        c.step(Duration.ofMinutes(1));
        try (TestNode n = TestNode.start(own, c)) {
            assertThat(n.get("/api/v1/sites/" + t[0] + "-site", t[2]).status()).isEqualTo(200);
            JsonNode s = space(n, room);
            assertThat(s.get("state").asText()).isEqualTo("occupied");
            assertThat(s.get("since").asText()).isEqualTo(START.toString());
            assertThat(space(n, t[0] + "-quiet").get("state").asText()).isEqualTo("free");
            assertThat(n.get("/api/v1/bookings/" + bookingId, t[2]).json().get("status").asText()).isEqualTo("booked");
            assertThat(s.get("freeUntil").isNull()).as("not free while occupied").isTrue();
            c.step(Duration.ofMinutes(5));
            awaitState(n, room, "free");
            assertThat(space(n, room).get("freeUntil").asText()).isEqualTo(START.plus(Duration.ofHours(1)).toString());
        }
    }
}
