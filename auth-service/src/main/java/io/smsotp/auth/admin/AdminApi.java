package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.http.ApiJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The admin API's routes for the live configuration (providers, applications, send limits), the
 * audit log and the OpenAPI document. Handlers read the request, call {@link AdminServices} and
 * answer; they validate and throw, and the service's error mapping answers the rest.
 */
public final class AdminApi {

    /** What every admin route answers (503) on a service without the live configuration. */
    public static final String UNAVAILABLE = "the admin API needs configEncryptionKey (live configuration)";
    static final String OPENAPI_RESOURCE = "/io/smsotp/auth/admin/openapi.json";
    static final int MAX_PAGE = 500;

    private final AdminAuth auth;
    private final AdminServices admin;
    private final byte[] openApi;

    public AdminApi(AdminAuth auth, AdminServices admin) {
        this.auth = Objects.requireNonNull(auth, "auth");
        this.admin = Objects.requireNonNull(admin, "admin");
        this.openApi = openApiDocument();
    }

    /** Answers every admin route 503 (JSON): what a service without {@code configEncryptionKey} registers. */
    public static void registerUnavailable(RoutesConfig routes, AdminAuth auth) {
        routes.before(ApiPaths.ADMIN_API_ALL, ctx -> {
            // the key first: a caller without one learns nothing of how this instance is set up
            if (!ctx.path().equals(ApiPaths.ADMIN_OPENAPI)) {
                auth.authenticate(ctx);
            }
            throw new ApiException(503, "unavailable", UNAVAILABLE);
        });
    }

    /** Adds the routes and, in front of all but the OpenAPI document, {@link AdminAuth#authenticate}. */
    public void register(RoutesConfig routes) {
        routes.before(ApiPaths.ADMIN_API_ALL, ctx -> {
            if (!ctx.path().equals(ApiPaths.ADMIN_OPENAPI)) {
                auth.authenticate(ctx);
            }
        });
        routes.get(ApiPaths.ADMIN_OPENAPI, ctx -> ctx.contentType("application/json").result(openApi));

        routes.get(ApiPaths.ADMIN_PROVIDERS, ctx -> ctx.json(items(admin.providers().list())));
        routes.post(ApiPaths.ADMIN_PROVIDERS, ctx -> {
            Versioned v = admin.providers().create(actor(ctx), ApiJson.objectBody(ctx));
            created(ctx, ApiPaths.adminProvider(v.body().path("name").asText()), v);
        });
        routes.get(ApiPaths.ADMIN_PROVIDER, ctx -> answer(ctx, admin.providers().get(name(ctx))));
        routes.put(ApiPaths.ADMIN_PROVIDER, ctx -> answer(ctx,
                admin.providers().replace(actor(ctx), name(ctx), ApiJson.objectBody(ctx), ifMatch(ctx))));
        routes.delete(ApiPaths.ADMIN_PROVIDER, ctx -> {
            admin.providers().delete(actor(ctx), name(ctx), ifMatch(ctx));
            ctx.status(204);
        });
        routes.put(ApiPaths.ADMIN_PROVIDERS_ORDER, ctx -> ctx.json(items(admin.providers().reorder(actor(ctx),
                names(ApiJson.objectBody(ctx))))));
        routes.post(ApiPaths.ADMIN_PROVIDER_TEST, this::testProvider);

        routes.get(ApiPaths.ADMIN_APPS, ctx -> ctx.json(items(admin.apps().list())));
        routes.post(ApiPaths.ADMIN_APPS, this::createApp);
        routes.get(ApiPaths.ADMIN_APP, ctx -> answer(ctx, admin.apps().get(id(ctx))));
        routes.put(ApiPaths.ADMIN_APP, ctx -> answer(ctx,
                admin.apps().replace(actor(ctx), id(ctx), ApiJson.objectBody(ctx), ifMatch(ctx))));
        routes.delete(ApiPaths.ADMIN_APP, ctx -> {
            admin.apps().delete(actor(ctx), id(ctx), ifMatch(ctx));
            ctx.status(204);
        });
        routes.post(ApiPaths.ADMIN_APP_ROTATE_KEY, this::rotateKey);
        routes.post(ApiPaths.ADMIN_APP_ROTATE_SECRET, ctx -> ctx.json(ApiJson.MAPPER.createObjectNode()
                .put("clientSecret", admin.apps().rotateSecret(actor(ctx), id(ctx), ifMatch(ctx)))));

        routes.get(ApiPaths.ADMIN_RATE_LIMITS, ctx -> answer(ctx, admin.rateLimits().get()));
        routes.put(ApiPaths.ADMIN_RATE_LIMITS, ctx -> answer(ctx,
                admin.rateLimits().replace(actor(ctx), ApiJson.objectBody(ctx), ifMatch(ctx))));

        routes.get(ApiPaths.ADMIN_AUDIT, this::audit);
    }

    private void testProvider(Context ctx) throws IOException {
        JsonNode request = ApiJson.objectBody(ctx);
        String to = ApiJson.requiredText(request, "to");
        String text = optionalText(request, "text");
        // the provider first: an unknown one is a 404 that costs none of the admin's test sends
        var provider = admin.providers().config(name(ctx));
        ProviderTester.Result r = admin.tester().test(actor(ctx), provider, to, text);
        // built by hand: status and reason are null, not left out, when there is none
        ObjectNode body = ApiJson.MAPPER.createObjectNode().put("provider", r.provider()).put("sent", r.sent());
        body.put("status", r.status());
        body.put("bodyCheck", r.bodyCheck()).put("latencyMs", r.latencyMs()).put("reason", r.reason());
        ctx.json(body);
    }

    private void createApp(Context ctx) throws IOException {
        AppAdmin.Created c = admin.apps().create(actor(ctx), ApiJson.objectBody(ctx));
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.set("app", c.app().body());
        body.put("apiKey", c.apiKey());
        body.put("clientSecret", c.clientSecret());
        ctx.status(201).header("Location", ApiPaths.adminApp(c.app().body().path("id").asText()))
                .header("ETag", etag(c.app().version())).header("Cache-Control", "no-store").json(body);
    }

    private void rotateKey(Context ctx) throws IOException {
        Duration overlap = null;
        if (ctx.bodyAsBytes().length > 0) {
            String given = optionalText(ApiJson.objectBody(ctx), "overlap");
            try {
                overlap = given == null ? null : Duration.parse(given);
            } catch (DateTimeParseException e) {
                throw AdminBodies.invalid("overlap: must be an ISO-8601 duration such as PT24H");
            }
        }
        AppAdmin.RotatedKey r = admin.apps().rotateKey(actor(ctx), id(ctx), overlap, ifMatch(ctx));
        ctx.header("Cache-Control", "no-store").json(ApiJson.MAPPER.createObjectNode()
                .put("apiKey", r.apiKey()).put("retiredUntil", r.retiredUntil().toString()));
    }

    private void audit(Context ctx) {
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE);
        int limit = intParam(ctx, "limit", 50, 1, MAX_PAGE);
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        body.set("items", ApiJson.MAPPER.valueToTree(admin.audit().list(ctx.queryParam("q"), offset, limit)));
        body.put("offset", offset).put("limit", limit);
        ctx.json(body);
    }

    private static void answer(Context ctx, Versioned v) {
        ctx.header("ETag", etag(v.version())).json(v.body());
    }

    private static void created(Context ctx, String location, Versioned v) {
        ctx.status(201).header("Location", location);
        answer(ctx, v);
    }

    static String etag(long version) {
        return "\"" + version + "\"";
    }

    /**
     * The version {@code If-Match} names, or null without one (or with {@code *}: any version).
     * Anything but an ETag this API gave is a 400, not a 412: it can never match.
     */
    static Long ifMatch(Context ctx) {
        String header = ctx.header("If-Match");
        if (header == null || header.isBlank() || header.strip().equals("*")) {
            return null;
        }
        String v = header.strip();
        if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
            v = v.substring(1, v.length() - 1);
        }
        try {
            long version = Long.parseLong(v);
            if (version > 0) {
                return version;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_header", "If-Match: must be an ETag this API gave, such as \"3\"");
    }

    private static List<String> names(JsonNode body) {
        JsonNode names = body.get("names");
        if (names == null || !names.isArray()) {
            throw AdminBodies.invalid("names: must be a list of every provider's name, in the new order");
        }
        List<String> out = new ArrayList<>();
        for (JsonNode n : names) {
            if (!n.isTextual()) {
                throw AdminBodies.invalid("names: must hold provider names (strings)");
            }
            out.add(n.textValue());
        }
        return out;
    }

    private static String optionalText(JsonNode body, String field) {
        JsonNode value = body.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw AdminBodies.invalid(field + ": must be a string");
        }
        return value.textValue();
    }

    private static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String given = ctx.queryParam(name);
        if (given == null || given.isBlank()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(given.strip());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.badRequest("invalid_parameter", name + ": must be a whole number from " + min + " to "
                + max);
    }

    private static ObjectNode items(List<JsonNode> items) {
        ObjectNode body = ApiJson.MAPPER.createObjectNode();
        ArrayNode array = body.putArray("items");
        items.forEach(array::add);
        return body;
    }

    private static String actor(Context ctx) {
        return AdminAuth.admin(ctx).actor();
    }

    private static String name(Context ctx) {
        return ctx.pathParam(ApiPaths.NAME);
    }

    private static String id(Context ctx) {
        return ctx.pathParam(ApiPaths.ID);
    }

    private static byte[] openApiDocument() {
        try (InputStream in = AdminApi.class.getResourceAsStream(OPENAPI_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(OPENAPI_RESOURCE + " is not on the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
