-- 0014 password reset by e-mail link (issue 9).

-- A wrong password locks the account for a while after every few in a row
-- (see account.Login); NULL when not locked.
ALTER TABLE users ADD COLUMN locked_until DATETIME;

-- One-time password-reset links: only the SHA-256 of the token is kept; a
-- link works once, within its hour.
CREATE TABLE password_resets (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    token_hash TEXT NOT NULL UNIQUE,
    created_at DATETIME NOT NULL,
    expires_at DATETIME NOT NULL,
    used_at    DATETIME,
    ip         TEXT NOT NULL
);
CREATE INDEX password_resets_user ON password_resets(user_id, created_at);
