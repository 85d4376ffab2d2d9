package io.smsotp.auth;

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

    private ApiPaths() {
    }

    /** The path of one challenge, as clients spell it. */
    public static String challenge(String id) {
        return CHALLENGES + "/" + id;
    }

    /** The resend path of one challenge, as clients spell it. */
    public static String resend(String id) {
        return challenge(id) + "/resend";
    }

    /** The verify path of one challenge, as clients spell it. */
    public static String verify(String id) {
        return challenge(id) + "/verify";
    }
}
