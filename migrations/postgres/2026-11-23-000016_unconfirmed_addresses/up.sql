-- People who registered themselves and have not yet used a link sent to the address. Until
-- they do, no role beyond participant is granted to the account, and an import that names them
-- takes the password away: anyone may register a colleague's address first.
CREATE TABLE unconfirmed_addresses (
    person_id TEXT PRIMARY KEY NOT NULL REFERENCES people(id),
    registered_at TIMESTAMP NOT NULL
);
