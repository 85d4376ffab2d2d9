-- The OIDC provider's short-lived grants, in the user store's database so that any auth-service
-- instance can redeem what another issued. Codes and tokens are kept only as SHA-256 (hex): the
-- database alone must not be enough to use one. Times are epoch milliseconds (portable).

-- One row per unused authorization code; redeeming deletes the row, so the row count of that
-- DELETE decides, atomically, which of two concurrent redemptions wins.
CREATE TABLE oidc_codes (
    code_hash      VARCHAR(64)   NOT NULL PRIMARY KEY,
    client_id      VARCHAR(64)   NOT NULL,
    redirect_uri   VARCHAR(2048) NOT NULL,
    code_challenge VARCHAR(128),
    nonce          VARCHAR(512),
    subject        VARCHAR(128)  NOT NULL,
    username       VARCHAR(128)  NOT NULL,
    mobile         VARCHAR(16),
    amr            VARCHAR(64)   NOT NULL,
    auth_time      BIGINT        NOT NULL,
    expires_at     BIGINT        NOT NULL
);

-- Opaque access tokens for the userinfo endpoint.
CREATE TABLE oidc_access_tokens (
    token_hash VARCHAR(64)  NOT NULL PRIMARY KEY,
    client_id  VARCHAR(64)  NOT NULL,
    subject    VARCHAR(128) NOT NULL,
    username   VARCHAR(128) NOT NULL,
    mobile     VARCHAR(16),
    expires_at BIGINT       NOT NULL
);

CREATE INDEX oidc_codes_expiry ON oidc_codes (expires_at);
CREATE INDEX oidc_access_tokens_expiry ON oidc_access_tokens (expires_at);
