-- Portable SQL: runs unchanged on PostgreSQL and on H2 (in PostgreSQL mode).

-- username_key is the username in Locale.ROOT lower case: the key every lookup uses, so that
-- Alice and alice are one user; username keeps the spelling the operator gave.
CREATE TABLE users (
    username_key    VARCHAR(128) NOT NULL PRIMARY KEY,
    username        VARCHAR(128) NOT NULL,
    password_hash   VARCHAR(512) NOT NULL,
    mobile          VARCHAR(16),
    disable_sms_otp BOOLEAN      NOT NULL DEFAULT FALSE,
    -- keyed MAC of the backup codes last imported from the config file: a restart re-imports
    -- the same list without bringing back codes already used
    imported_codes  VARCHAR(64)
);

-- One row per unused code; using a code deletes its row, so the row count of that DELETE
-- decides, atomically, whether the code was good.
CREATE TABLE backup_codes (
    username_key VARCHAR(128) NOT NULL REFERENCES users (username_key) ON DELETE CASCADE,
    code_mac     VARCHAR(64)  NOT NULL,
    PRIMARY KEY (username_key, code_mac)
);

-- Facts about the store itself, e.g. a check value of the key that MACs the backup codes.
CREATE TABLE store_meta (
    meta_key   VARCHAR(64)  NOT NULL PRIMARY KEY,
    meta_value VARCHAR(255) NOT NULL
);
