//! JWT access tokens: HS256 only, with expiry, issuer and audience checked on every use.

use chrono::{DateTime, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

use crate::config::AuthSettings;

#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// The person's id.
    pub sub: String,
    pub iat: i64,
    /// `iat` to the millisecond: a token issued in the second a password changed, before the
    /// change, must still be told apart from one issued after it.
    #[serde(default)]
    pub iat_ms: Option<i64>,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
}

#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
    issuer: String,
    audience: String,
    ttl_seconds: i64,
}

impl TokenKeys {
    pub fn new(settings: &AuthSettings) -> Self {
        let secret = settings.token_secret.as_bytes();
        Self {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
            issuer: settings.token_issuer.clone(),
            audience: settings.token_audience.clone(),
            ttl_seconds: settings.token_ttl_minutes * 60,
        }
    }

    pub fn ttl_seconds(&self) -> i64 {
        self.ttl_seconds
    }

    pub fn issue(&self, person_id: &str, now: DateTime<Utc>) -> anyhow::Result<String> {
        let claims = Claims {
            sub: person_id.to_owned(),
            iat: now.timestamp(),
            iat_ms: Some(now.timestamp_millis()),
            exp: now.timestamp() + self.ttl_seconds,
            iss: self.issuer.clone(),
            aud: self.audience.clone(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map_err(|e| anyhow::anyhow!("could not sign a token: {e}"))
    }

    /// The claims of a valid token; `None` for anything forged, expired, or meant for another
    /// issuer or audience.
    pub fn verify(&self, token: &str) -> Option<Claims> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[&self.issuer]);
        validation.set_audience(&[&self.audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        validation.leeway = 30;
        decode::<Claims>(token, &self.decoding, &validation)
            .ok()
            .map(|data| data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(secret: &str, issuer: &str, ttl_minutes: i64) -> TokenKeys {
        TokenKeys::new(&AuthSettings {
            token_secret: secret.into(),
            token_issuer: issuer.into(),
            token_audience: "llwybr".into(),
            token_ttl_minutes: ttl_minutes,
            password_reset_ttl_minutes: 60,
            secure_cookies: false,
        })
    }

    #[test]
    fn a_token_carries_its_subject() -> anyhow::Result<()> {
        let keys = keys("a secret long enough for the test suite", "llwybr", 10);
        let token = keys.issue("person-1", Utc::now())?;
        assert_eq!(
            keys.verify(&token).map(|c| c.sub),
            Some("person-1".to_owned())
        );
        Ok(())
    }

    #[test]
    fn expired_forged_and_foreign_tokens_are_refused() -> anyhow::Result<()> {
        let ours = keys("a secret long enough for the test suite", "llwybr", 10);
        let expired = ours.issue("p", Utc::now() - chrono::Duration::hours(1))?;
        assert!(ours.verify(&expired).is_none());

        let forged =
            keys("another secret entirely, same length!!", "llwybr", 10).issue("p", Utc::now())?;
        assert!(ours.verify(&forged).is_none());

        let foreign = keys(
            "a secret long enough for the test suite",
            "someone-else",
            10,
        )
        .issue("p", Utc::now())?;
        assert!(ours.verify(&foreign).is_none());

        assert!(ours.verify("not.a.token").is_none());
        Ok(())
    }

    #[test]
    fn the_none_algorithm_is_refused() {
        let ours = keys("a secret long enough for the test suite", "llwybr", 10);
        // {"alg":"none","typ":"JWT"} . {"sub":"p","exp":9999999999,"iss":"llwybr","aud":"llwybr"} .
        let unsigned = "eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJzdWIiOiJwIiwiZXhwIjo5OTk5OTk5OTk5LCJpc3MiOiJsbHd5YnIiLCJhdWQiOiJsbHd5YnIifQ.";
        assert!(ours.verify(unsigned).is_none());
    }
}
