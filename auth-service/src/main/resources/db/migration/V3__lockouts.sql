-- Account lockout after consecutive wrong codes (issue 4), shared by every auth-service instance.
-- account: 'login:<username key>' for the hosted login, 'api:<app id>:<user>' for the 2FA API.
CREATE TABLE lockouts (
    account       VARCHAR(400) PRIMARY KEY,
    failures      INTEGER      NOT NULL,
    locks         INTEGER      NOT NULL,
    locked_until  BIGINT       NOT NULL   -- epoch millis; 0 when not locked
);

-- Which account a 2FA API challenge belongs to, when the caller named a user at create.
CREATE TABLE challenge_accounts (
    challenge_id  VARCHAR(64)  PRIMARY KEY,
    account       VARCHAR(400) NOT NULL,
    expires_at    BIGINT       NOT NULL   -- epoch millis; the row may go after this
);
CREATE INDEX challenge_accounts_expiry ON challenge_accounts (expires_at);
