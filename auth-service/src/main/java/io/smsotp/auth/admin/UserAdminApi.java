package io.smsotp.auth.admin;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.smsotp.auth.ApiPaths;
import io.smsotp.auth.http.ApiException;
import io.smsotp.auth.http.ApiJson;
import io.smsotp.auth.http.IfMatch;
import io.smsotp.auth.users.UserProfile;
import io.smsotp.auth.users.UserProfiles;
import io.smsotp.config.ConfigException;
import java.io.IOException;

/**
 * The users part of the admin API ({@link ApiPaths#ADMIN_USERS}). The caller installs
 * {@link AdminAuth#authenticate} in front; without the live configuration (no audit log) or the user
 * store every route answers 503.
 */
public final class UserAdminApi {

    private static final int DEFAULT_LIMIT = 50;

    /** Null when the service has no audit log or no user store. */
    private final UserAdmin admin;

    public UserAdminApi(UserAdmin admin) {
        this.admin = admin;
    }

    public void register(RoutesConfig routes) {
        routes.get(ApiPaths.ADMIN_USERS, this::list);
        routes.post(ApiPaths.ADMIN_USERS, this::create);
        routes.get(ApiPaths.ADMIN_USER, this::read);
        routes.put(ApiPaths.ADMIN_USER, this::replace);
        routes.delete(ApiPaths.ADMIN_USER, this::delete);
        routes.post(ApiPaths.ADMIN_USER_BACKUP_CODES, this::backupCodes);
        routes.post(ApiPaths.ADMIN_USER_UNLOCK, this::unlock);
    }

    private void list(Context ctx) {
        UserProfiles.Page page = admin().list(ctx.queryParam("q"), intParam(ctx, "offset", 0),
                intParam(ctx, "limit", DEFAULT_LIMIT));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        ArrayNode items = body.putArray("items");
        page.items().forEach(p -> items.add(UserJson.of(p)));
        body.put("total", page.total()).put("offset", page.offset()).put("limit", page.limit());
        noStore(ctx).json(body);
    }

    private void create(Context ctx) throws IOException {
        UserAdmin users = admin();
        UserJson.NewUser input = UserJson.newUser(ApiJson.objectBody(ctx));
        UserProfile made = users.create(actor(ctx), input.username(), input.password(), input.profile());
        ctx.header("Location", ApiPaths.adminUser(made.username()));
        answer(ctx.status(201), made);
    }

    private void read(Context ctx) {
        answer(ctx, admin().get(username(ctx)));
    }

    private void replace(Context ctx) throws IOException {
        UserAdmin users = admin();
        String username = username(ctx);
        var profile = UserJson.replacement(ApiJson.objectBody(ctx), username);
        answer(ctx, users.replace(actor(ctx), username, ifMatch(ctx), profile));
    }

    private void backupCodes(Context ctx) {
        UserProfiles.IssuedCodes issued = admin().newBackupCodes(actor(ctx), username(ctx), ifMatch(ctx));
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        issued.codes().forEach(body.putArray("codes")::add);
        ctx.header("ETag", IfMatch.etag(issued.change().after().version()));
        noStore(ctx.status(201)).json(body);
    }

    private void unlock(Context ctx) {
        answer(ctx, admin().unlock(actor(ctx), username(ctx), ifMatch(ctx)));
    }

    private void delete(Context ctx) {
        admin().delete(actor(ctx), username(ctx), ifMatch(ctx));
        ctx.status(204);
    }

    private UserAdmin admin() {
        if (admin == null) {
            throw new ApiException(503, "unavailable", "the users admin API needs configEncryptionKey (the live"
                    + " configuration and its audit log) and the user store (auth-service with its login)");
        }
        return admin;
    }

    private static void answer(Context ctx, UserProfile profile) {
        ctx.header("ETag", IfMatch.etag(profile.version()));
        noStore(ctx).json(UserJson.of(profile));
    }

    /** Personal data (numbers), and codes shown once: no cache keeps a copy. */
    private static Context noStore(Context ctx) {
        return ctx.header("Cache-Control", "no-store");
    }

    private static String actor(Context ctx) {
        return AdminAuth.admin(ctx).actor();
    }

    private static String username(Context ctx) {
        return ctx.pathParam(ApiPaths.USERNAME);
    }

    private static IfMatch ifMatch(Context ctx) {
        return IfMatch.parse(ctx.header("If-Match"));
    }

    private static int intParam(Context ctx, String name, int otherwise) {
        String value = ctx.queryParam(name);
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new ConfigException(name + " must be a whole number");
        }
    }
}
