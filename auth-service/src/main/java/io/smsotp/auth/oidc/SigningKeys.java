package io.smsotp.auth.oidc;

import io.smsotp.auth.SecretFiles;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.spec.PKCS8EncodedKeySpec;
import java.text.ParseException;
import org.bouncycastle.jce.provider.BouncyCastleProvider;

/**
 * The ID token signing key: an EC P-256 key (ES256), kept as a private JWK in
 * {@value #FILE_NAME} in the data dir, made on first start and reused after, so tokens signed
 * before a restart still validate against the JWKS. ES256 rather than RS256: a smaller key and
 * signature, and every OIDC client library accepts it.
 *
 * <p>Signs with BouncyCastle's ECDSA, not the JDK's: on Java 17 the JDK's P-256 multiplies the base
 * point without a precomputed table, 0.76–1.2 ms of CPU per ID token here against 0.11–0.15 ms (a
 * scratch benchmark through nimbus, 10,000 tokens a round after 10,000, three rounds each). In
 * the hosted login's profile it was a seventh of the auth-service's Java samples. The key is
 * handed to BouncyCastle as its own key object once: given the JDK's, it converts it at every
 * signature (0.36–0.49 ms). The provider is used here only, not registered in the JVM.
 */
public final class SigningKeys {

    public static final String FILE_NAME = "oidc-signing-key.json";
    public static final JWSAlgorithm ALGORITHM = JWSAlgorithm.ES256;

    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private final ECKey key;
    private final ECDSASigner signer;

    private SigningKeys(ECKey key) {
        this.key = key;
        try {
            this.signer = new ECDSASigner(asBouncyCastleKey(key), Curve.P_256);
            signer.getJCAContext().setProvider(BOUNCY_CASTLE);
        } catch (JOSEException e) {
            throw new IllegalStateException("the signing key cannot sign", e);
        }
    }

    /** The key in {@code dataDir}, made (file mode 0600, written whole) when there is none. */
    public static SigningKeys loadOrCreate(Path dataDir) {
        String content = SecretFiles.loadOrCreate(dataDir, FILE_NAME, SigningKeys::freshKey);
        return new SigningKeys(parse(dataDir.resolve(FILE_NAME), content));
    }

    /** The key id the ID tokens' headers carry. */
    public String keyId() {
        return key.getKeyID();
    }

    /** The public JWK set, as JSON: what clients validate ID token signatures against. */
    public String jwks() {
        return new JWKSet(key.toPublicJWK()).toString(true);
    }

    /** The public JWK set. */
    public JWKSet publicJwkSet() {
        return new JWKSet(key.toPublicJWK());
    }

    /** {@code claims} as a compact signed JWT with this key's id. */
    public String sign(JWTClaimsSet claims) {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(ALGORITHM).keyID(key.getKeyID()).type(JOSEObjectType.JWT)
                .build(), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign an ID token", e);
        }
        return jwt.serialize();
    }

    @Override
    public String toString() {
        return "SigningKeys[kid=" + key.getKeyID() + ", alg=" + ALGORITHM + "]";
    }

    /** {@code key}'s private part as BouncyCastle's key object, converted once. */
    private static PrivateKey asBouncyCastleKey(ECKey key) throws JOSEException {
        try {
            return KeyFactory.getInstance("EC", BOUNCY_CASTLE)
                    .generatePrivate(new PKCS8EncodedKeySpec(key.toECPrivateKey().getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new JOSEException("the signing key cannot be read by BouncyCastle", e);
        }
    }

    private static ECKey parse(Path file, String content) {
        try {
            JWK jwk = JWK.parse(content);
            if (!(jwk instanceof ECKey ec) || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve()) || ec.getKeyID() == null) {
                throw new IllegalStateException(file + " must hold a private EC P-256 JWK with a kid");
            }
            return ec;
        } catch (ParseException e) {
            // the message may quote the file, which holds a private key
            throw new IllegalStateException(file + " is not a JWK (content not shown)");
        }
    }

    private static String freshKey() {
        try {
            return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(ALGORITHM)
                    .keyIDFromThumbprint(true).generate().toJSONString() + "\n";
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot make a signing key", e);
        }
    }
}
