package io.smsotp.auth.oidc;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.impl.ECDSA;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.Signature;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ID token signatures, which BouncyCastle makes, checked with the JDK's own ECDSA (SunEC) over
 * the published public key: another implementation than the one that signed.
 */
class SigningKeysTest {

    @TempDir
    Path dataDir;

    @Test
    void everySignatureVerifiesWithTheJdksEcdsaOverThePublishedKey() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir);
        ECKey published = (ECKey) JWKSet.parse(keys.jwks()).getKeyByKeyId(keys.keyId());
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        Set<String> signatures = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            SignedJWT jwt = SignedJWT.parse(keys.sign(new JWTClaimsSet.Builder().subject("user-" + i)
                    .issuer("https://login.example").audience("app").build()));
            assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.ES256);
            assertThat(jwt.getHeader().getKeyID()).isEqualTo(keys.keyId());
            byte[] jose = jwt.getSignature().decode();
            assertThat(jose).hasSize(64);
            jdk.initVerify(published.toECPublicKey());
            jdk.update(jwt.getSigningInput());
            assertThat(jdk.verify(ECDSA.transcodeSignatureToDER(jose))).as("token %d", i).isTrue();
            signatures.add(jwt.getSignature().toString());
        }
        // a fresh nonce for every signature: the same one twice would give the private key away
        assertThat(signatures).hasSize(200);
    }

    @Test
    void aChangedTokenDoesNotVerifyAndTheKeyReadAgainStillSignsForTheSameJwks() throws Exception {
        SigningKeys keys = SigningKeys.loadOrCreate(dataDir);
        ECKey published = (ECKey) JWKSet.parse(keys.jwks()).getKeyByKeyId(keys.keyId());
        SignedJWT jwt = SignedJWT.parse(keys.sign(new JWTClaimsSet.Builder().subject("alice").build()));
        Signature jdk = Signature.getInstance("SHA256withECDSA", "SunEC");
        jdk.initVerify(published.toECPublicKey());
        jdk.update(jwt.getSigningInput());
        jdk.update("x".getBytes(StandardCharsets.US_ASCII));
        assertThat(jdk.verify(ECDSA.transcodeSignatureToDER(jwt.getSignature().decode()))).isFalse();

        SigningKeys again = SigningKeys.loadOrCreate(dataDir);
        assertThat(again.keyId()).isEqualTo(keys.keyId());
        SignedJWT later = SignedJWT.parse(again.sign(new JWTClaimsSet.Builder().subject("bob").build()));
        jdk.initVerify(published.toECPublicKey());
        jdk.update(later.getSigningInput());
        assertThat(jdk.verify(ECDSA.transcodeSignatureToDER(later.getSignature().decode()))).isTrue();
    }
}
