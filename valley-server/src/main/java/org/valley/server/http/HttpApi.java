package org.valley.server.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.concurrent.Callable;
import org.valley.server.auth.Principal;
import org.valley.server.auth.Tenancy;
import org.valley.server.codecs.CodecService;
import org.valley.server.devices.DeviceService;
import org.valley.server.devices.Redecodes;
import org.valley.server.ingest.http.HttpIngest;
import org.valley.server.ingest.lorawan.LorawanIngest;
import org.valley.server.ingest.sigfox.SigfoxIngest;
import org.valley.server.spaces.SpaceEvents;
import org.valley.server.spaces.SpaceRoutes;
import org.valley.server.spaces.Spaces;
import org.valley.store.Catalog;

/**
 * The HTTP surface: the route table, authentication, and the translation of {@link Problem}s into
 * RFC 9457 problem+json. Handlers stay thin: parse, hand to a service, reply. Anything that touches
 * the store runs on a worker thread, never on an event loop.
 */
public final class HttpApi {

    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final String PRINCIPAL = "valley.principal";

    /** What the API needs from the rest of the node. */
    public record Parts(Tenancy tenancy, CodecService codecs, DeviceService devices, SigfoxIngest sigfox,
            LorawanIngest lorawan, HttpIngest http, Spaces spaces, SpaceEvents spaceEvents, Health health, String baseUrl,
            long ingestBodyLimit, long apiBodyLimit, boolean noopEndpoint,
            Function<String, Map<String, Object>> integrationState) {}

    /** Readiness and metrics, answered by the node. */
    public interface Health {
        boolean ready();

        String metrics();
    }

    private static Tenancy tenancyOf(RoutingContext ctx) {
        return ctx.get("valley.tenancy");
    }

    private HttpApi() {}

    /** The route table of a Valley node: every endpoint in one place. */
    public static Router router(Vertx vertx, Parts p) {
        Router r = Router.router(vertx);
        r.route().handler(ctx -> {
            ctx.put("valley.tenancy", p.tenancy());
            ctx.next();
        });
        r.get("/health/live").handler(ctx -> json(ctx, 200, Map.of("status", "UP")));
        r.get("/health/ready").handler(ctx -> {
            boolean ready = p.health().ready();
            json(ctx, ready ? 200 : 503, Map.of("status", ready ? "UP" : "DOWN"));
        });
        r.get("/metrics").handler(ctx -> ctx.response().putHeader("content-type", "text/plain; version=0.0.4")
                .end(p.health().metrics()));
        byte[] openapi = resource("/web/openapi.json");
        r.get("/openapi.json").handler(ctx -> ctx.response().putHeader("content-type", "application/json")
                .end(Buffer.buffer(openapi)));

        r.route("/ingest/*").handler(BodyHandler.create(false).setBodyLimit(p.ingestBodyLimit()));
        if (p.noopEndpoint()) {
            r.post("/ingest/noop").handler(ctx -> ctx.response().setStatusCode(204).end());
        }
        r.post("/ingest/sigfox").handler(p.sigfox()::data);
        r.post("/ingest/sigfox/advanced").handler(p.sigfox()::advanced);
        r.post("/ingest/ttn").handler(p.lorawan()::ttn);
        r.post("/ingest/chirpstack").handler(p.lorawan()::chirpstack);
        r.post("/ingest/http/:deviceId").handler(p.http()::post);

        r.route("/api/v1/*").handler(BodyHandler.create(false).setBodyLimit(p.apiBodyLimit()));
        r.route("/api/v1/*").handler(HttpApi::authenticate);

        Tenancy t = p.tenancy();
        r.post("/api/v1/tenants").handler(ctx -> blocking(ctx, 201, () -> {
            JsonNode b = Fields.object(bodyBytes(ctx));
            return Views.tenant(t.createTenant(principal(ctx), Fields.id(b, "id"), Fields.optionalString(b, "name")));
        }));
        r.get("/api/v1/tenants").handler(ctx -> json(ctx, 200,
                t.tenants(principal(ctx)).stream().map(Views::tenant).toList()));
        r.get("/api/v1/tenants/:id").handler(ctx -> json(ctx, 200, Views.tenant(t.tenant(principal(ctx), ctx.pathParam("id")))));
        r.post("/api/v1/tenants/:id/keys").handler(ctx -> blocking(ctx, 201, () -> {
            JsonNode b = Fields.object(bodyBytes(ctx));
            String role = Fields.string(b, "role");
            String key = t.createKey(principal(ctx), ctx.pathParam("id"), role);
            return Map.of("key", key, "tenant", ctx.pathParam("id"), "role", role);
        }));

        r.post("/api/v1/integrations").handler(ctx -> blocking(ctx, 201, () -> {
            JsonNode b = Fields.object(bodyBytes(ctx));
            Tenancy.NewIntegration made = t.createIntegration(principal(ctx), Fields.string(b, "kind"),
                    Fields.optionalString(b, "tenant"), b);
            return Views.integration(made.integration(), made.key(), baseUrl(ctx, p), null);
        }));
        r.get("/api/v1/integrations").handler(ctx -> json(ctx, 200, t.integrations(principal(ctx)).stream()
                .map(i -> Views.integration(i, null, baseUrl(ctx, p), p.integrationState().apply(i.id()))).toList()));
        r.get("/api/v1/integrations/:id").handler(ctx -> {
            Catalog.Integration i = t.integration(principal(ctx), ctx.pathParam("id"));
            json(ctx, 200, Views.integration(i, null, baseUrl(ctx, p), p.integrationState().apply(i.id())));
        });
        r.delete("/api/v1/integrations/:id").handler(ctx -> blocking(ctx, 204, () -> {
            t.deleteIntegration(principal(ctx), ctx.pathParam("id"));
            return null;
        }));

        CodecService c = p.codecs();
        r.post("/api/v1/codecs").handler(ctx -> blocking(ctx, 201,
                () -> Views.saved(c.create(principal(ctx), Fields.object(bodyBytes(ctx))))));
        r.get("/api/v1/codecs").handler(ctx -> json(ctx, 200, c.list(principal(ctx)).stream().map(Views::codec).toList()));
        r.get("/api/v1/codecs/:id").handler(ctx -> json(ctx, 200, Views.codec(c.visible(principal(ctx), ctx.pathParam("id")))));
        r.put("/api/v1/codecs/:id").handler(ctx -> blocking(ctx, 200,
                () -> Views.saved(c.update(principal(ctx), ctx.pathParam("id"), Fields.object(bodyBytes(ctx))))));
        r.get("/api/v1/codecs/:id/versions").handler(ctx -> blocking(ctx, 200,
                () -> c.versions(principal(ctx), ctx.pathParam("id")).stream().map(Views::codec).toList()));
        // A JavaScript codec may run for its whole CPU-time limit: never on an event loop.
        r.post("/api/v1/codecs/:id/test").handler(ctx -> blocking(ctx, 200,
                () -> Views.decodeResult(c.test(principal(ctx), ctx.pathParam("id"), Fields.object(bodyBytes(ctx))))));
        r.post("/api/v1/codecs/:id/self-test").handler(ctx -> blocking(ctx, 200,
                () -> Views.selfTest(c.selfTest(principal(ctx), ctx.pathParam("id")))));

        DeviceService d = p.devices();
        r.post("/api/v1/devices").handler(ctx -> blocking(ctx, 201, () -> {
            JsonNode body = Fields.objectOrArray(bodyBytes(ctx));
            if (body.isArray()) {
                return d.createAll(principal(ctx), body).stream().map(Views::device).toList();
            }
            return Views.deviceWithHealth(d.health(d.create(principal(ctx), body)));
        }));
        r.get("/api/v1/devices").handler(ctx -> blocking(ctx, 200,
                () -> d.healthOfAll(principal(ctx)).stream().map(Views::deviceWithHealth).toList()));
        r.get("/api/v1/devices/:id").handler(ctx -> blocking(ctx, 200,
                () -> Views.deviceWithHealth(d.healthOf(principal(ctx), ctx.pathParam("id")))));
        r.put("/api/v1/devices/:id").handler(ctx -> blocking(ctx, 200, () -> Views.deviceWithHealth(
                d.health(d.update(principal(ctx), ctx.pathParam("id"), Fields.object(bodyBytes(ctx)))))));
        r.delete("/api/v1/devices/:id").handler(ctx -> blocking(ctx, 204, () -> {
            d.delete(principal(ctx), ctx.pathParam("id"));
            return null;
        }));
        r.get("/api/v1/devices/:id/frames").handler(ctx -> blocking(ctx, 200, () -> d.frames(principal(ctx),
                        ctx.pathParam("id"), Fields.time(q(ctx, "from"), "from"), Fields.time(q(ctx, "to"), "to"),
                        Fields.limit(q(ctx, "limit"), 100, 10_000))
                .stream().map(Views::frame).toList()));
        r.get("/api/v1/devices/:id/readings").handler(ctx -> blocking(ctx, 200, () -> d.readings(principal(ctx),
                        ctx.pathParam("id"), q(ctx, "key"), Fields.time(q(ctx, "from"), "from"),
                        Fields.time(q(ctx, "to"), "to"), Fields.limit(q(ctx, "limit"), 1000, 100_000))
                .stream().map(Views::reading).toList()));
        r.get("/api/v1/devices/:id/readings/aggregate").handler(ctx -> blocking(ctx, 200, () -> {
            List<Map<String, Object>> buckets = d.aggregate(principal(ctx), ctx.pathParam("id"), q(ctx, "key"),
                            Fields.duration(q(ctx, "interval"), "interval"), Fields.time(q(ctx, "from"), "from"),
                            Fields.time(q(ctx, "to"), "to"))
                    .stream().map(Views::bucket).toList();
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("key", q(ctx, "key"));
            out.put("interval", q(ctx, "interval"));
            out.put("buckets", buckets);
            return out;
        }));
        // Answers when done (200), or after 2 s with the job to follow (202 and its Location).
        r.post("/api/v1/devices/:id/redecode").handler(ctx -> blocking(ctx, 200, () -> {
            Redecodes.Job job = d.redecode(principal(ctx), ctx.pathParam("id"), Fields.time(q(ctx, "from"), "from"),
                    Fields.time(q(ctx, "to"), "to"), Duration.ofSeconds(2));
            return job.status().equals("running")
                    ? new Reply(202, Views.redecode(job), "/api/v1/redecodes/" + job.id())
                    : new Reply(200, Views.redecode(job), null);
        }));
        r.get("/api/v1/redecodes/:job").handler(ctx -> json(ctx, 200,
                Views.redecode(d.redecodeJob(principal(ctx), ctx.pathParam("job")))));
        r.post("/api/v1/devices/:id/downlinks").handler(ctx -> blocking(ctx, 201, () -> Views.downlink(
                d.queueDownlink(principal(ctx), ctx.pathParam("id"), Fields.object(bodyBytes(ctx))))));
        r.get("/api/v1/devices/:id/downlinks").handler(ctx -> blocking(ctx, 200,
                () -> d.downlinks(principal(ctx), ctx.pathParam("id")).stream().map(Views::downlink).toList()));
        r.get("/api/v1/unclaimed").handler(ctx -> blocking(ctx, 200,
                () -> d.unclaimed(principal(ctx), Fields.limit(q(ctx, "limit"), 100, 10_000)).stream().map(Views::frame).toList()));

        SpaceRoutes.mount(r, p.spaces(), p.spaceEvents());

        r.get("/api/v1/me").handler(ctx -> json(ctx, 200, Views.principal(principal(ctx))));

        // The dashboard: static files (web/) and front-end libraries from WebJars; the key stays in the browser.
        r.get("/webjars/*").handler(StaticHandler.create("META-INF/resources/webjars").setMaxAgeSeconds(86_400));
        r.get("/*").handler(StaticHandler.create("web").setIndexPage("index.html").setMaxAgeSeconds(300));

        r.route().last().handler(ctx -> problem(ctx, Problem.notFound("no endpoint " + ctx.request().method() + " "
                + ctx.request().path())));
        r.route().failureHandler(ctx -> failure(ctx, p));
        return r;
    }

    private static byte[] resource(String path) {
        try (var in = HttpApi.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The configured public URL, or the one the client reached this node at. */
    private static String baseUrl(RoutingContext ctx, Parts p) {
        if (p.baseUrl() != null) {
            return p.baseUrl();
        }
        String host = ctx.request().getHeader("host");
        return ctx.request().scheme() + "://" + (host == null ? "localhost" : host);
    }

    private static String q(RoutingContext ctx, String name) {
        return ctx.request().getParam(name);
    }

    /** The request body's bytes (empty when none). */
    public static byte[] bodyBytes(RoutingContext ctx) {
        Buffer b = ctx.body() == null ? null : ctx.body().buffer();
        return b == null ? new byte[0] : b.getBytes();
    }

    private static String bearer(RoutingContext ctx) {
        String header = ctx.request().getHeader("authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return null;
    }

    private static void authenticate(RoutingContext ctx) {
        String key = bearer(ctx);
        if (key == null && ctx.request().path().equals("/api/v1/stream")) {
            key = ctx.request().getParam("key"); // an EventSource cannot set headers
        }
        if (key == null) {
            problem(ctx, Problem.unauthorized("an API key is required: Authorization: Bearer <key>"));
            return;
        }
        Principal who = tenancyOf(ctx).principal(key);
        if (who == null) {
            problem(ctx, Problem.unauthorized("the API key is not known"));
            return;
        }
        if (!who.isOperator() && !"tenant".equals(who.role()) && ctx.request().method() != HttpMethod.GET
                && !(who.role().equals("occupant") && ctx.request().path().startsWith("/api/v1/bookings"))) {
            problem(ctx, Problem.forbidden("an " + who.role() + " key may only read, and make and cancel bookings"));
            return;
        }
        ctx.put(PRINCIPAL, who);
        ctx.next();
    }

    /** Who the request acts as (set by authentication under {@code /api/v1}). */
    public static Principal principal(RoutingContext ctx) {
        return ctx.get(PRINCIPAL);
    }

    /**
     * The integration a network callback authenticates as (key as bearer or {@code ?key=}), which
     * must be of {@code kind}.
     */
    public static Catalog.Integration integration(RoutingContext ctx, String kind) {
        String key = bearer(ctx);
        if (key == null) {
            key = QueryParam.get(ctx.request().query(), "key");
        }
        if (key == null) {
            throw Problem.unauthorized("an integration key is required: ?key=<key> in the callback URL, or a bearer header");
        }
        Catalog.Integration i = tenancyOf(ctx).integrationByKey(key);
        if (i == null) {
            throw Problem.unauthorized("the integration key is not known");
        }
        if (!i.kind().equals(kind)) {
            throw Problem.forbidden("integration '" + i.id() + "' is of kind " + i.kind() + ", not " + kind);
        }
        return i;
    }

    /** A blocking handler's answer when its status or headers depend on the work's outcome. */
    public record Reply(int status, Object body, String location) {}

    /** Runs {@code work} on a worker thread and answers its result as JSON with {@code status} (or its {@link Reply}). */
    public static void blocking(RoutingContext ctx, int status, Callable<Object> work) {
        ctx.vertx().executeBlocking(work, false).onComplete(ar -> {
            if (ar.succeeded()) {
                if (ar.result() instanceof Reply reply) {
                    if (reply.location() != null) {
                        ctx.response().putHeader("location", reply.location());
                    }
                    json(ctx, reply.status(), reply.body());
                } else if (status == 204) {
                    ctx.response().setStatusCode(204).end();
                } else {
                    json(ctx, status, ar.result());
                }
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    /** Writes {@code value} as JSON with {@code status}. */
    public static void json(RoutingContext ctx, int status, Object value) {
        if (ctx.response().ended()) {
            return;
        }
        try {
            ctx.response().setStatusCode(status).putHeader("content-type", "application/json")
                    .end(Buffer.buffer(MAPPER.writeValueAsBytes(value)));
        } catch (JsonProcessingException e) {
            ctx.fail(e);
        }
    }

    private static void failure(RoutingContext ctx, Parts p) {
        Throwable failure = ctx.failure();
        if (failure instanceof Problem problem) {
            problem(ctx, problem);
        } else if (ctx.statusCode() == 413) {
            problem(ctx, Problem.tooLarge(ctx.request().path().startsWith("/ingest") ? p.ingestBodyLimit() : p.apiBodyLimit()));
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            problem(ctx, new Problem(ctx.statusCode(), "bad-request", "Bad request", "the request was refused", null, null));
        } else {
            System.getLogger(HttpApi.class.getName()).log(System.Logger.Level.ERROR,
                    "unexpected failure on " + ctx.request().method() + " " + ctx.request().path(), failure);
            problem(ctx, new Problem(500, "internal-error", "Internal error",
                    "the server failed to handle this request; the error is logged", null, null));
        }
    }

    /** Answers with an RFC 9457 problem+json. */
    public static void problem(RoutingContext ctx, Problem p) {
        if (ctx.response().ended()) {
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "urn:valley:problem:" + p.type());
        body.put("title", p.title());
        body.put("status", p.status());
        body.put("detail", p.getMessage());
        if (p.field() != null) {
            body.put("field", p.field());
        }
        body.put("instance", ctx.request().path());
        if (p.retryAfterSeconds() != null) {
            ctx.response().putHeader("retry-after", String.valueOf(p.retryAfterSeconds()));
        }
        try {
            ctx.response().setStatusCode(p.status()).putHeader("content-type", "application/problem+json")
                    .end(Buffer.buffer(MAPPER.writeValueAsBytes(body)));
        } catch (JsonProcessingException e) {
            ctx.response().setStatusCode(p.status()).end();
        }
    }
}
