//! The API's JSON body, read so that a value of the wrong kind is named: actix's `Json` says
//! only "invalid type: string, expected i64 at line 1 column 22", which leaves the person
//! sending it to guess which field. Here such a body is a 400 whose problem lists the field
//! (`capacity`, `questions[2].required`) in the reader's language.

use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};
use serde::de::DeserializeOwned;

use crate::domain::FieldError;
use crate::error::AppError;

pub struct Json<T>(pub T);

impl<T> Json<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> Deref for Json<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

/// The body as `T`, or why not: not JSON at all, or JSON with a field of the wrong kind.
pub fn read<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        match error.inner().classify() {
            serde_json::error::Category::Data if path != "." => {
                AppError::BadJson(vec![FieldError::new(path, "problem-json-field-invalid")])
            }
            _ => AppError::BadRequest("problem-invalid-json"),
        }
    })?;
    // Anything after the value is not JSON either.
    deserializer
        .end()
        .map_err(|_| AppError::BadRequest("problem-invalid-json"))?;
    Ok(value)
}

/// As actix's `Json` asks: `application/json`, or a type whose suffix is `+json`.
fn says_json(req: &HttpRequest) -> bool {
    matches!(req.mime_type(), Ok(Some(mime))
        if mime.subtype() == actix_web::mime::JSON || mime.suffix() == Some(actix_web::mime::JSON))
}

impl<T: DeserializeOwned + 'static> FromRequest for Json<T> {
    type Error = actix_web::Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let is_json = says_json(req);
        let body = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !is_json {
                return Err(AppError::BadRequest("problem-invalid-json").into());
            }
            Ok(Json(read(&body.await?)?))
        })
    }
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Cohort {
        capacity: i64,
        sessions: Vec<Session>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Session {
        title: String,
    }

    fn fields(error: AppError) -> Vec<String> {
        match error {
            AppError::BadJson(fields) => fields.into_iter().map(|f| f.field.into_owned()).collect(),
            other => vec![format!("{other:?}")],
        }
    }

    #[test]
    fn a_value_of_the_wrong_kind_is_named_by_its_path() {
        let wrong = read::<Cohort>(br#"{"capacity": "twenty", "sessions": []}"#);
        assert_eq!(
            wrong.map_err(fields).err(),
            Some(vec!["capacity".to_owned()])
        );
        let deep =
            read::<Cohort>(br#"{"capacity": 20, "sessions": [{"title": "a"}, {"title": 3}]}"#);
        assert_eq!(
            deep.map_err(fields).err(),
            Some(vec!["sessions[1].title".to_owned()])
        );
    }

    #[test]
    fn what_is_not_json_says_so() {
        for bad in [
            &b"{"[..],
            b"capacity=20",
            br#"{"capacity": 20, "sessions": []} x"#,
            b"[]",
        ] {
            assert!(
                matches!(
                    read::<Cohort>(bad),
                    Err(AppError::BadRequest("problem-invalid-json"))
                ),
                "{bad:?}"
            );
        }
        assert!(read::<Cohort>(br#"{"capacity": 20, "sessions": []}"#).is_ok());
    }
}
