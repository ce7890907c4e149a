//! A JSON body that may be left out. actix's `Option<Json<T>>` also turns a body that was sent
//! but cannot be read into `None`, so `{"reason": 42}` withdrew an application as if no reason
//! had been given; here only an empty body is "none", and anything else must be valid.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::error::AppError;

pub struct OptionalJson<T>(pub Option<T>);

impl<T> OptionalJson<T> {
    pub fn into_inner(self) -> Option<T> {
        self.0
    }
}

/// What a body says: `None` when it is empty (or only white space), an error when it is not
/// the JSON `T` expects.
fn read<T: DeserializeOwned>(body: &[u8]) -> Result<Option<T>, AppError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    super::json_body::read(body).map(Some)
}

impl<T: DeserializeOwned + 'static> FromRequest for OptionalJson<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move { Ok(OptionalJson(read(&body.await?)?)) })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Reason {
        reason: Option<String>,
    }

    #[test]
    fn only_an_empty_body_is_none() {
        assert_eq!(read::<Reason>(b"").ok(), Some(None));
        assert_eq!(read::<Reason>(b" \n").ok(), Some(None));
        assert_eq!(
            read::<Reason>(br#"{"reason": "moving school"}"#).ok(),
            Some(Some(Reason {
                reason: Some("moving school".into())
            }))
        );
        for bad in [&br#"{"reason": 42}"#[..], b"{", b"reason=x"] {
            assert!(read::<Reason>(bad).is_err(), "{bad:?}");
        }
    }
}
