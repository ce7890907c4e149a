//! Identifiers for generated rows.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Time-ordered (version 7) UUIDs from a counter and a seeded generator: the same seed gives the
/// same identifiers, and each table's rows arrive in key order, so the primary-key indexes are
/// appended to rather than split at random places, which keeps millions of inserts fast.
pub struct IdMaker {
    rng: StdRng,
    millis: u64,
}

/// 2020-01-01T00:00:00Z: the counter starts there, so the identifiers look like real ones.
const EPOCH_MILLIS: u64 = 1_577_836_800_000;

impl IdMaker {
    pub fn new(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
            millis: EPOCH_MILLIS,
        }
    }

    /// The next identifier as a number; `text` formats it.
    pub fn next(&mut self) -> u128 {
        self.millis += 1;
        let random: [u8; 10] = self.rng.random();
        uuid::Builder::from_unix_timestamp_millis(self.millis, &random)
            .into_uuid()
            .as_u128()
    }

    pub fn next_text(&mut self) -> String {
        text(self.next())
    }

    /// A stand-in for the hash of an emailed link: nobody holds the link, so nothing needs to
    /// match it, but it must be unique.
    pub fn token_hash(&mut self) -> String {
        let a: u128 = self.rng.random();
        let b: u128 = self.rng.random();
        format!("{a:032x}{b:032x}")
    }
}

pub fn text(id: u128) -> String {
    uuid::Uuid::from_u128(id).hyphenated().to_string()
}
