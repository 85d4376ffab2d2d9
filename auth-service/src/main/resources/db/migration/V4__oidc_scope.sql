-- Portable SQL: runs unchanged on PostgreSQL and on H2 (in PostgreSQL mode).

-- The scope granted at the authorization request, space-separated, kept with the code and then
-- with the access token: it decides which claims the ID token and userinfo release (issue 9).
-- Rows made before this migration get 'openid', which releases the least.
ALTER TABLE oidc_codes ADD COLUMN scope VARCHAR(512) NOT NULL DEFAULT 'openid';
ALTER TABLE oidc_access_tokens ADD COLUMN scope VARCHAR(512) NOT NULL DEFAULT 'openid';

-- Whether the login behind the token proved the phone number (an SMS code sent to it came back):
-- userinfo's phone_number_verified.
ALTER TABLE oidc_access_tokens ADD COLUMN phone_verified BOOLEAN NOT NULL DEFAULT FALSE;
