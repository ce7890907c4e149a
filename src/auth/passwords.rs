//! argon2id password hashing. Hashing is deliberately slow, so callers run it in a blocking
//! task (`web::block`), never on an async worker thread.

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

pub fn hash(password: &str) -> anyhow::Result<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|hash| hash.to_string())
        .map_err(|e| anyhow::anyhow!("could not hash a password: {e}"))
}

/// True when `password` matches `stored`; a malformed stored hash never matches.
pub fn verify(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A hash of a password nobody has, verified against when the email is unknown so that a
/// wrong email takes as long as a wrong password.
pub fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash("decoy password that matches nothing").unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_only() -> anyhow::Result<()> {
        let stored = hash("Afon Taf 1987 glas")?;
        assert!(stored.starts_with("$argon2id$"), "{stored}");
        assert!(verify("Afon Taf 1987 glas", &stored));
        assert!(!verify("afon taf 1987 glas", &stored));
        assert!(!verify("anything", "not a hash"));
        Ok(())
    }

    #[test]
    fn the_same_password_hashes_differently_each_time() -> anyhow::Result<()> {
        assert_ne!(hash("Afon Taf 1987 glas")?, hash("Afon Taf 1987 glas")?);
        Ok(())
    }
}
