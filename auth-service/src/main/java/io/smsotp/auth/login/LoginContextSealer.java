package io.smsotp.auth.login;

import com.nimbusds.jose.EncryptionMethod;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWEAlgorithm;
import com.nimbusds.jose.JWEHeader;
import com.nimbusds.jose.crypto.DirectDecrypter;
import com.nimbusds.jose.crypto.DirectEncrypter;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.EncryptedJWT;
import com.nimbusds.jwt.JWTClaimsSet;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Turns a {@link LoginContext} into a token the browser carries (a compact JWE, {@code dir} +
 * {@code A256GCM}, so it is both encrypted and authenticated) and back. Any instance holding the
 * same {@link LoginContextKey} can open what another sealed. Thread-safe.
 */
public final class LoginContextSealer {

    static final JOSEObjectType TYPE = new JOSEObjectType("login-context+jwt");

    // far above a real context (well under 2 KiB); a bigger one is refused before any parsing
    static final int MAX_TOKEN_LENGTH = 8192;

    // the parser trims the token first, so a token with a space or a control character around it
    // would open as well: only the five base64url parts are a token
    private static final Pattern COMPACT_JWE = Pattern.compile("[A-Za-z0-9_-]*(?:\\.[A-Za-z0-9_-]*){4}");

    private static final JWEHeader HEADER = new JWEHeader.Builder(JWEAlgorithm.DIR, EncryptionMethod.A256GCM)
            .type(TYPE).build();

    private static final SecureRandom RANDOM = new SecureRandom();

    private final LoginContextKey key;

    public LoginContextSealer(LoginContextKey key) {
        this.key = Objects.requireNonNull(key, "key");
    }

    /** {@code context} as a compact JWE; everything, expiry included, is inside the encrypted payload. */
    public String seal(LoginContext context) {
        Objects.requireNonNull(context, "context");
        // every sealed page gets its own one-use id, whatever the context was sealed as before
        EncryptedJWT jwt = new EncryptedJWT(HEADER, Claims.of(context.withStepId(newStepId())));
        try {
            jwt.encrypt(new DirectEncrypter(key.encryptionKey()));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot seal a login context", e);
        }
        return jwt.serialize();
    }

    /**
     * The context in {@code token}, or empty when the token is missing, malformed, changed,
     * sealed with another key, expired at {@code now}, or bound to a browser other than the one
     * whose binding cookie is {@code browserBinding}. Never throws for a bad token: whatever the
     * browser sent, the answer is "start the login again".
     */
    public Optional<LoginContext> open(String token, String browserBinding, Instant now) {
        Objects.requireNonNull(now, "now");
        if (token == null || browserBinding == null || token.length() > MAX_TOKEN_LENGTH
                || !COMPACT_JWE.matcher(token).matches()) {
            return Optional.empty();
        }
        LoginContext context;
        try {
            EncryptedJWT jwt = EncryptedJWT.parse(token);
            if (!HEADER.getAlgorithm().equals(jwt.getHeader().getAlgorithm())
                    || !HEADER.getEncryptionMethod().equals(jwt.getHeader().getEncryptionMethod())
                    || !canonical(jwt.getParsedParts())) {
                return Optional.empty();
            }
            jwt.decrypt(new DirectDecrypter(key.encryptionKey()));
            context = Claims.read(jwt.getJWTClaimsSet());
        } catch (Exception e) {
            // parse, decrypt and claim errors, and a context that fails its own checks, all mean
            // the token is not one we sealed; the reason is not logged, the token never is
            return Optional.empty();
        }
        if (context.isExpiredAt(now) || !sameBinding(context.binding(), browserBinding)) {
            return Optional.empty();
        }
        return Optional.of(context);
    }

    private static String newStepId() {
        byte[] id = new byte[16];
        RANDOM.nextBytes(id);
        return Base64URL.encode(id).toString();
    }

    private static boolean sameBinding(String recorded, String presented) {
        // constant time: the cookie is attacker-supplied, the recorded value must not leak byte by byte
        return MessageDigest.isEqual(recorded.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * True when every part is in the one base64url form its bytes encode to. A lenient decoder
     * ignores the spare low bits of a part's last character, so without this check a changed
     * last character could still open: "any changed byte is refused" would not hold.
     */
    private static boolean canonical(Base64URL[] parts) {
        for (Base64URL part : parts) {
            if (part != null && !Base64URL.encode(part.decode()).toString().equals(part.toString())) {
                return false;
            }
        }
        return true;
    }

    /** The claim names, short because the token rides in every login form. */
    private static final class Claims {

        static JWTClaimsSet of(LoginContext c) {
            return new JWTClaimsSet.Builder()
                    .issueTime(Date.from(c.issuedAt()))
                    .expirationTime(Date.from(c.expiresAt()))
                    .claim("cid", c.clientId())
                    .claim("ruri", c.redirectUri().toString())
                    .claim("state", c.state())
                    .claim("nonce", c.nonce())
                    .claim("cc", c.codeChallenge())
                    .claim("scope", c.scope())
                    .claim("step", c.step().name())
                    .subject(c.username())
                    .claim("auth_time", c.authTime() == null ? null : c.authTime().getEpochSecond())
                    .claim("amr", c.amr())
                    .claim("chid", c.challengeId())
                    .claim("mob", c.mobileToCapture())
                    .claim("bnd", c.binding())
                    .jwtID(c.stepId())
                    .build();
        }

        static LoginContext read(JWTClaimsSet claims) throws java.text.ParseException {
            Long authTime = claims.getLongClaim("auth_time");
            List<String> amr = claims.getStringListClaim("amr");
            return new LoginContext(
                    claims.getStringClaim("cid"),
                    URI.create(claims.getStringClaim("ruri")),
                    claims.getStringClaim("state"),
                    claims.getStringClaim("nonce"),
                    claims.getStringClaim("cc"),
                    claims.getStringClaim("scope"),
                    LoginContext.Step.valueOf(claims.getStringClaim("step")),
                    claims.getSubject(),
                    authTime == null ? null : Instant.ofEpochSecond(authTime),
                    amr == null ? List.of() : amr,
                    claims.getStringClaim("chid"),
                    claims.getStringClaim("mob"),
                    claims.getStringClaim("bnd"),
                    claims.getIssueTime().toInstant(),
                    claims.getExpirationTime().toInstant(),
                    Objects.requireNonNull(claims.getJWTID(), "jti"));
        }
    }
}
