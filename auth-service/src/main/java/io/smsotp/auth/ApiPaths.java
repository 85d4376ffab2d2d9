package io.smsotp.auth;

import io.smsotp.metrics.HealthPaths;

/** Every route of auth-service, in one place. */
public final class ApiPaths {

    /** Path parameter holding a challenge id. */
    public static final String ID = "id";

    /** The versioned API root; every path under it needs an application's bearer key. */
    public static final String API = "/api/v1";

    /** Matches everything under {@link #API}, for the authentication filter. */
    public static final String API_ALL = API + "/*";

    /** POST: start a challenge. */
    public static final String CHALLENGES = API + "/challenges";

    /** GET: a challenge's status. */
    public static final String CHALLENGE = CHALLENGES + "/{" + ID + "}";

    /** POST: check a code. */
    public static final String VERIFY = CHALLENGE + "/verify";

    /** POST: send a new code (the old one stops working). */
    public static final String RESEND = CHALLENGE + "/resend";

    // ---- OpenID Connect ----------------------------------------------------------------------

    /** GET: the discovery document. */
    public static final String DISCOVERY = "/.well-known/openid-configuration";

    /** GET or POST (form): the authorization request, which opens the hosted login. */
    public static final String AUTHORIZE = "/oauth2/authorize";

    /** POST (form): redeem an authorization code. */
    public static final String TOKEN = "/oauth2/token";

    /** GET: the public signing keys. */
    public static final String JWKS = "/oauth2/jwks";

    /** GET or POST: the signed-in user's claims, for an access token. */
    public static final String USERINFO = "/oauth2/userinfo";

    // ---- the hosted login pages (every POST is a form with the sealed login context) ----------

    /** Everything under it is a login page or its assets. */
    public static final String LOGIN = "/login";

    /** POST: username and password. */
    public static final String LOGIN_PASSWORD = LOGIN + "/password";

    /** POST: the SMS code (or a backup code), or {@code action=resend}. */
    public static final String LOGIN_OTP = LOGIN + "/otp";

    /** POST: the mobile number of a profile without one (mobile capture). */
    public static final String LOGIN_MOBILE = LOGIN + "/mobile";

    /** POST: the code page's script asks whether the SMS was sent. */
    public static final String LOGIN_STATUS = LOGIN + "/otp/status";

    /** POST: leave the login, back to the application with {@code access_denied}. */
    public static final String LOGIN_CANCEL = LOGIN + "/cancel";

    /** GET: the login pages' style sheet. */
    public static final String LOGIN_CSS = LOGIN + "/assets/login.css";

    /** GET: the login pages' script. */
    public static final String LOGIN_JS = LOGIN + "/assets/login.js";

    // ---- the admin API (JSON; an admin API key or a console session) -------------------------

    /** Path parameter holding a username. */
    public static final String USERNAME = "username";

    /** Path parameter holding a provider's name. */
    public static final String NAME = "name";

    /** The admin API root. */
    public static final String ADMIN_API = "/admin/api/v1";

    /** Matches everything under {@link #ADMIN_API}, for the admin authentication filter. */
    public static final String ADMIN_API_ALL = ADMIN_API + "/*";

    /** GET: users, searched a page at a time ({@code q}, {@code offset}, {@code limit}); POST: make one. */
    public static final String ADMIN_USERS = ADMIN_API + "/users";

    /** GET, PUT (the profile), DELETE: one user. */
    public static final String ADMIN_USER = ADMIN_USERS + "/{" + USERNAME + "}";

    /** POST: new backup codes, shown once. */
    public static final String ADMIN_USER_BACKUP_CODES = ADMIN_USER + "/backup-codes";

    /** POST: lift the login's lock. */
    public static final String ADMIN_USER_UNLOCK = ADMIN_USER + "/unlock";

    /** GET: the admin API's OpenAPI document (no key needed). */
    public static final String ADMIN_OPENAPI = ADMIN_API + "/openapi.json";

    /** GET: the providers in failover order; POST: add one (last). */
    public static final String ADMIN_PROVIDERS = ADMIN_API + "/providers";

    /** GET, PUT, DELETE: one provider. */
    public static final String ADMIN_PROVIDER = ADMIN_PROVIDERS + "/{" + NAME + "}";

    /** POST: send one test SMS through the provider now. */
    public static final String ADMIN_PROVIDER_TEST = ADMIN_PROVIDER + "/test";

    /** PUT: the failover order, every provider's name once. */
    public static final String ADMIN_PROVIDERS_ORDER = ADMIN_API + "/providers-order";

    /** GET: the applications; POST: add one (its API key and client secret are made and shown once). */
    public static final String ADMIN_APPS = ADMIN_API + "/apps";

    /** GET, PUT, DELETE: one application. */
    public static final String ADMIN_APP = ADMIN_APPS + "/{" + ID + "}";

    /** POST: a new API key; the old one works on for the overlap. */
    public static final String ADMIN_APP_ROTATE_KEY = ADMIN_APP + "/rotate-key";

    /** POST: a new OIDC client secret; the old one stops at once. */
    public static final String ADMIN_APP_ROTATE_SECRET = ADMIN_APP + "/rotate-secret";

    /** GET, PUT: the deployment's send limits. */
    public static final String ADMIN_RATE_LIMITS = ADMIN_API + "/rate-limits";

    /** GET: the audit log, newest first. */
    public static final String ADMIN_AUDIT = ADMIN_API + "/audit";

    // ---- smsotp's own pages, signed in through the hosted login (built-in OIDC clients) --------

    /** GET: the account page of the signed-in user; everything under it needs its session. */
    public static final String ACCOUNT = "/account";

    /** GET: starts the sign-in to the account page (to the hosted login). */
    public static final String ACCOUNT_SIGNIN = ACCOUNT + "/signin";

    /** GET: the hosted login's way back, with the authorization code. */
    public static final String ACCOUNT_CALLBACK = ACCOUNT + "/callback";

    /** POST (form): sign out of the account page. */
    public static final String ACCOUNT_SIGNOUT = ACCOUNT + "/signout";

    /** GET: the page after signing out. */
    public static final String ACCOUNT_SIGNED_OUT = ACCOUNT + "/signed-out";

    /** POST (form): a new mobile number; a code goes to it. */
    public static final String ACCOUNT_MOBILE = ACCOUNT + "/mobile";

    /** POST (form): the code sent to the new number; the number is saved once it verifies. */
    public static final String ACCOUNT_MOBILE_CONFIRM = ACCOUNT + "/mobile/confirm";

    /** POST (form): turn SMS codes off or back on ({@code disable=true|false}). */
    public static final String ACCOUNT_SMS_OTP = ACCOUNT + "/sms-otp";

    /** POST (form): new backup codes, shown once in the answer. */
    public static final String ACCOUNT_BACKUP_CODES = ACCOUNT + "/backup-codes";

    /** GET: the style sheet of smsotp's own pages (no session needed). */
    public static final String ACCOUNT_CSS = ACCOUNT + "/assets/pages.css";

    /** The management console's pages; {@link #CONSOLE_API} under it is the JSON admin API, not a page. */
    public static final String CONSOLE = "/admin";

    /** The admin API under the console's path: API keys or the console's own session, never a page. */
    public static final String CONSOLE_API = CONSOLE + "/api/";

    /** GET: starts the sign-in to the console (to the hosted login). */
    public static final String CONSOLE_SIGNIN = CONSOLE + "/signin";

    /** GET: the hosted login's way back to the console, with the authorization code. */
    public static final String CONSOLE_CALLBACK = CONSOLE + "/callback";

    /** POST (form): sign out of the console. */
    public static final String CONSOLE_SIGNOUT = CONSOLE + "/signout";

    /** GET: the page after signing out of the console. */
    public static final String CONSOLE_SIGNED_OUT = CONSOLE + "/signed-out";

    // the console's pages (forms; the entry edited is named by a query parameter or a hidden
    // field, never a path segment: provider names and usernames may hold '/' and '%')

    /** GET: the providers in failover order, with move up and down. */
    public static final String CONSOLE_PROVIDERS = CONSOLE + "/providers";

    /** GET: the form of a new provider (described in full, or from a preset); POST: add it. */
    public static final String CONSOLE_PROVIDER_NEW = CONSOLE_PROVIDERS + "/new";

    /** GET ({@code ?name=}): a provider's form; POST: replace it. */
    public static final String CONSOLE_PROVIDER_EDIT = CONSOLE_PROVIDERS + "/edit";

    /** GET ({@code ?name=}): the confirmation; POST: remove the provider. */
    public static final String CONSOLE_PROVIDER_DELETE = CONSOLE_PROVIDERS + "/delete";

    /** POST: one place up or down in the failover order ({@code name}, {@code direction=up|down}). */
    public static final String CONSOLE_PROVIDER_MOVE = CONSOLE_PROVIDERS + "/move";

    /** GET ({@code ?name=}): the test SMS form; POST: send one and show what came of it. */
    public static final String CONSOLE_PROVIDER_TEST = CONSOLE_PROVIDERS + "/test";

    /** GET: the applications. */
    public static final String CONSOLE_APPS = CONSOLE + "/apps";

    /** GET: the form of a new application; POST: add it (its API key and client secret shown once). */
    public static final String CONSOLE_APP_NEW = CONSOLE_APPS + "/new";

    /** GET ({@code ?id=}): an application's form; POST: replace it. */
    public static final String CONSOLE_APP_EDIT = CONSOLE_APPS + "/edit";

    /** GET ({@code ?id=}): the confirmation; POST: remove the application. */
    public static final String CONSOLE_APP_DELETE = CONSOLE_APPS + "/delete";

    /** POST: a new API key, shown once; the old one works on for the overlap. */
    public static final String CONSOLE_APP_ROTATE_KEY = CONSOLE_APPS + "/rotate-key";

    /** POST: a new client secret, shown once; the old one stops at once. */
    public static final String CONSOLE_APP_ROTATE_SECRET = CONSOLE_APPS + "/rotate-secret";

    /** GET: users, searched a page at a time ({@code q}, {@code offset}). */
    public static final String CONSOLE_USERS = CONSOLE + "/users";

    /** GET: the form of a new user; POST: make them. */
    public static final String CONSOLE_USER_NEW = CONSOLE_USERS + "/new";

    /** GET ({@code ?username=}): a user's profile form; POST: replace the profile. */
    public static final String CONSOLE_USER_EDIT = CONSOLE_USERS + "/edit";

    /** GET ({@code ?username=}): the confirmation; POST: delete the user. */
    public static final String CONSOLE_USER_DELETE = CONSOLE_USERS + "/delete";

    /** POST: ten new backup codes, shown once. */
    public static final String CONSOLE_USER_BACKUP_CODES = CONSOLE_USERS + "/backup-codes";

    /** POST: lift the login's lock. */
    public static final String CONSOLE_USER_UNLOCK = CONSOLE_USERS + "/unlock";

    /** GET: the send limits' form; POST: replace them. */
    public static final String CONSOLE_RATE_LIMITS = CONSOLE + "/rate-limits";

    /** GET: the audit log, newest first ({@code q}, {@code offset}). */
    public static final String CONSOLE_AUDIT = CONSOLE + "/audit";

    // ---- health and metrics (no API key: probes and Prometheus call them) ------------------

    /** GET: 200 while the process runs. */
    public static final String HEALTH_LIVE = HealthPaths.LIVE;

    /** GET: 200 when the gateway reads replies and the user database answers, else 503 with why. */
    public static final String HEALTH_READY = HealthPaths.READY;

    /** GET: every meter, Prometheus text format. */
    public static final String METRICS = HealthPaths.METRICS;

    private ApiPaths() {
    }

    /** Whether {@code path} is answered with HTML pages (the login and the authorization endpoint). */
    public static boolean isPage(String path) {
        return path.equals(AUTHORIZE) || path.equals(LOGIN) || path.startsWith(LOGIN + "/");
    }

    /** Whether {@code path} is one of smsotp's own pages (the account page, the console; not the admin API). */
    public static boolean isSelfPage(String path) {
        return under(path, ACCOUNT) || under(path, CONSOLE) && !path.startsWith(CONSOLE_API);
    }

    /** Whether {@code path} is a page of the console (not the admin API under its path). */
    public static boolean isConsolePage(String path) {
        return under(path, CONSOLE) && !path.startsWith(CONSOLE_API);
    }

    private static boolean under(String path, String base) {
        return path.equals(base) || path.startsWith(base + "/");
    }

    /** The path of one challenge, as clients spell it. */
    public static String challenge(String id) {
        return CHALLENGES + "/" + id;
    }

    /** The resend path of one challenge, as clients spell it. */
    public static String resend(String id) {
        return challenge(id) + "/resend";
    }

    /** The path of one user in the admin API, as clients spell it (percent-encoded). */
    public static String adminUser(String username) {
        return ADMIN_USERS + "/" + java.net.URLEncoder.encode(username, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The admin path of one provider, as clients spell it. */
    public static String adminProvider(String name) {
        return ADMIN_PROVIDERS + "/" + name;
    }

    /** The admin path of one application, as clients spell it. */
    public static String adminApp(String id) {
        return ADMIN_APPS + "/" + id;
    }

    /** The verify path of one challenge, as clients spell it. */
    public static String verify(String id) {
        return challenge(id) + "/verify";
    }
}
