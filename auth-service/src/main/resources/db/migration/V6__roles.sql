-- Portable SQL: runs unchanged on PostgreSQL and on H2 (in PostgreSQL mode).

-- Issue 11: a user's roles (short names such as 'admin', which opens the management console), one
-- row each, gone with the user. A table rather than a list in a column, so that "who holds role r"
-- is a plain query and a name can never be half a list.
CREATE TABLE user_roles (
    username_key VARCHAR(128) NOT NULL REFERENCES users (username_key) ON DELETE CASCADE,
    role         VARCHAR(32)  NOT NULL,
    PRIMARY KEY (username_key, role)
);
CREATE INDEX user_roles_role ON user_roles (role);
