package org.valley.server.spaces;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.valley.server.http.Fields;
import org.valley.server.http.HttpApi;
import org.valley.server.http.Problem;
import org.valley.server.spaces.brick.BrickException;
import org.valley.server.spaces.brick.BrickTurtle;

/** The routes of sites, spaces, availability, bookings and the event stream, under {@code /api/v1}. */
public final class SpaceRoutes {

    private SpaceRoutes() {}

    public static void mount(Router r, Spaces spaces, SpaceEvents events) {
        r.put("/api/v1/sites/:id").handler(ctx -> HttpApi.blocking(ctx, 200, () -> {
            boolean[] created = new boolean[1];
            Spaces.StoredSite s = spaces.putSite(HttpApi.principal(ctx), Fields.checkId(ctx.pathParam("id"), "id"),
                    HttpApi.bodyBytes(ctx), created);
            return new HttpApi.Reply(created[0] ? 201 : 200, SpaceViews.site(s), null);
        }));
        r.get("/api/v1/sites").handler(ctx -> HttpApi.json(ctx, 200,
                spaces.sites(HttpApi.principal(ctx)).stream().map(SpaceViews::siteSummary).toList()));
        r.get("/api/v1/sites/:id").handler(ctx -> HttpApi.json(ctx, 200,
                SpaceViews.site(spaces.site(HttpApi.principal(ctx), ctx.pathParam("id")))));
        // The same site as a Brick Schema Turtle file (Jena starts up on the first call: a worker thread).
        r.get("/api/v1/sites/:id/brick").handler(ctx -> ctx.vertx().executeBlocking(() -> {
            Spaces.StoredSite s = spaces.site(HttpApi.principal(ctx), ctx.pathParam("id"));
            return BrickTurtle.write(s.site(), spaces.devicesOf(s.site()));
        }, false).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ctx.response().putHeader("content-type", BrickTurtle.MEDIA_TYPE + "; charset=utf-8").end(ar.result());
            }
        }));
        r.put("/api/v1/sites/:id/brick").handler(ctx -> HttpApi.blocking(ctx, 200, () -> {
            Map<String, Object> document;
            try {
                document = BrickTurtle.read(new String(HttpApi.bodyBytes(ctx), StandardCharsets.UTF_8));
            } catch (BrickException e) {
                throw Problem.invalid(e.field(), e.getMessage());
            }
            String tenant = q(ctx, "tenant");
            if (tenant != null) {
                document.put("tenant", tenant);
            }
            boolean[] created = new boolean[1];
            Spaces.StoredSite s = spaces.putDocument(HttpApi.principal(ctx), Fields.checkId(ctx.pathParam("id"), "id"),
                    document, created);
            return new HttpApi.Reply(created[0] ? 201 : 200, SpaceViews.site(s), null);
        }));
        r.delete("/api/v1/sites/:id").handler(ctx -> HttpApi.blocking(ctx, 204, () -> {
            spaces.deleteSite(HttpApi.principal(ctx), ctx.pathParam("id"));
            return null;
        }));

        r.get("/api/v1/spaces").handler(ctx -> HttpApi.json(ctx, 200, spaces.spaces(HttpApi.principal(ctx), q(ctx, "site"),
                q(ctx, "floor"), q(ctx, "kind")).stream().map(spaces::view).toList()));
        r.get("/api/v1/spaces/:id").handler(ctx -> HttpApi.json(ctx, 200,
                spaces.view(spaces.space(HttpApi.principal(ctx), ctx.pathParam("id")))));
        r.get("/api/v1/spaces/:id/timeline").handler(ctx -> HttpApi.blocking(ctx, 200, () -> spaces.timeline(
                        HttpApi.principal(ctx), ctx.pathParam("id"), Fields.time(q(ctx, "from"), "from"),
                        Fields.time(q(ctx, "to"), "to"))
                .stream().map(SpaceViews::point).toList()));
        r.get("/api/v1/availability").handler(ctx -> HttpApi.json(ctx, 200,
                spaces.availability(HttpApi.principal(ctx), query(ctx)).stream().map(SpaceViews::free).toList()));

        BookingDesk desk = new BookingDesk(spaces);
        r.post("/api/v1/bookings").handler(ctx -> HttpApi.blocking(ctx, 201, () -> SpaceViews.booking(
                desk.create(HttpApi.principal(ctx), Fields.object(HttpApi.bodyBytes(ctx))))));
        r.get("/api/v1/bookings").handler(ctx -> HttpApi.blocking(ctx, 200, () -> desk.list(HttpApi.principal(ctx),
                        q(ctx, "space"), Fields.time(q(ctx, "from"), "from"), Fields.time(q(ctx, "to"), "to"),
                        q(ctx, "status"), Fields.limit(q(ctx, "limit"), 1000, 10_000))
                .stream().map(SpaceViews::booking).toList()));
        r.get("/api/v1/bookings/:id").handler(ctx -> HttpApi.blocking(ctx, 200,
                () -> SpaceViews.booking(desk.get(HttpApi.principal(ctx), ctx.pathParam("id")))));
        r.post("/api/v1/bookings/:id/cancel").handler(ctx -> HttpApi.blocking(ctx, 200,
                () -> SpaceViews.booking(desk.cancel(HttpApi.principal(ctx), ctx.pathParam("id")))));
        r.delete("/api/v1/bookings/:id").handler(ctx -> HttpApi.blocking(ctx, 200,
                () -> SpaceViews.booking(desk.cancel(HttpApi.principal(ctx), ctx.pathParam("id")))));

        r.get("/api/v1/stream").handler(ctx -> {
            String topics = q(ctx, "topics");
            Set<String> asked = new LinkedHashSet<>(Arrays.asList((topics == null ? "" : topics).split(",")));
            asked.remove("");
            if (asked.isEmpty() || !SpaceEvents.TOPICS.containsAll(asked)) {
                throw Problem.invalid("topics", "parameter 'topics' must list topics among " + SpaceEvents.TOPICS
                        + ", got '" + topics + "'");
            }
            events.open(ctx, HttpApi.principal(ctx));
        });
    }

    private static Availability.Query query(RoutingContext ctx) {
        String min = q(ctx, "minCapacity");
        Integer minCapacity = null;
        if (min != null && !min.isBlank()) {
            try {
                minCapacity = Integer.parseInt(min);
            } catch (NumberFormatException e) {
                minCapacity = -1;
            }
            if (minCapacity < 1 || minCapacity > 100_000) {
                throw Problem.invalid("minCapacity", "parameter 'minCapacity' must be an integer from 1 to 100000, got '"
                        + min + "'");
            }
        }
        String equipment = q(ctx, "equipment");
        List<String> items = equipment == null || equipment.isBlank() ? null
                : Arrays.stream(equipment.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
        String duration = q(ctx, "duration");
        return new Availability.Query(q(ctx, "site"), Spaces.kind(q(ctx, "kind")), minCapacity, q(ctx, "floor"), items,
                duration == null || duration.isBlank() ? null : Fields.duration(duration, "duration"),
                Fields.limit(q(ctx, "limit"), 100, 10_000));
    }

    private static String q(RoutingContext ctx, String name) {
        return ctx.request().getParam(name);
    }
}
