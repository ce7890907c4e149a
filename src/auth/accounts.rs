//! Account actions shared by the API and the pages: register, authenticate, reset a password.

use chrono::{Duration, NaiveDateTime, Utc};
use diesel::QueryResult;
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::passwords;
use crate::db::audit::{self, AuditEntry};
use crate::db::people::{self, LinkPurpose, NewPasswordReset, NewPerson, NewRoleGrant, Person};
use crate::db::{self, outbox};
use crate::domain::FieldError;
use crate::domain::email::EmailAddress;
use crate::domain::language::Language;
use crate::domain::password::NewPassword;
use crate::domain::person_name::PersonName;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::mail::compose::{self, Recipient};
use crate::state::AppState;

pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
    pub preferred_language: Option<String>,
}

struct ValidRegistration {
    email: EmailAddress,
    password: NewPassword,
    name: PersonName,
    language: Language,
}

fn validate(
    input: &Registration,
    fallback_language: Language,
) -> Result<ValidRegistration, AppError> {
    let mut errors: Vec<FieldError> = Vec::new();
    let email = EmailAddress::parse("email", &input.email)
        .map_err(|e| errors.push(e))
        .ok();
    let password = NewPassword::parse(
        "password",
        &input.password,
        email.as_ref().map(EmailAddress::as_str),
    )
    .map_err(|e| errors.push(e))
    .ok();
    let name = PersonName::parse("name", &input.name)
        .map_err(|e| errors.push(e))
        .ok();
    let language = match input.preferred_language.as_deref().map(str::trim) {
        None | Some("") => Some(fallback_language),
        Some(value) => {
            let parsed = Language::parse(value);
            if parsed.is_none() {
                errors.push(FieldError::new(
                    "preferred_language",
                    "error-language-invalid",
                ));
            }
            parsed
        }
    };
    match (email, password, name, language) {
        (Some(email), Some(password), Some(name), Some(language)) if errors.is_empty() => {
            Ok(ValidRegistration {
                email,
                password,
                name,
                language,
            })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

fn is_unique_violation(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

/// Creates a participant account and queues a welcome email, in one transaction.
pub async fn register(
    state: &AppState,
    input: Registration,
    request_language: Language,
) -> AppResult<Person> {
    let valid = validate(&input, request_language)?;
    let password = valid.password;
    let hash = actix_web::web::block(move || passwords::hash(password.expose())).await??;
    let token = new_link_token();
    let confirm_url = format!(
        "{}/email/confirm?token={token}&lang={}",
        state.settings.public_url(),
        valid.language.code()
    );
    db::run(&state.pool, move |conn| {
        let now = Utc::now().naive_utc();
        let id = uuid::Uuid::new_v4().to_string();
        let email = valid.email.into_inner();
        let name = valid.name.into_inner();
        db::transaction::<_, AppError, _>(conn, |conn| {
            people::insert_person(
                conn,
                &NewPerson {
                    id: &id,
                    email: &email,
                    name: &name,
                    password_hash: Some(&hash),
                    preferred_language: valid.language.code(),
                    school_id: None,
                    stage_code: None,
                    job_title: None,
                    active: true,
                    created_at: now,
                    updated_at: now,
                    credentials_changed_at: now,
                },
            )
            .map_err(|e| {
                if is_unique_violation(&e) {
                    AppError::Conflict("problem-email-taken")
                } else {
                    e.into()
                }
            })?;
            grant(conn, &id, Role::Participant, None, None, now)?;
            // Anyone may type any address: until its owner uses the link sent to it, the
            // account is a participant's and no more (see `people::disown_unconfirmed`).
            people::set_email_unconfirmed(conn, &id, true, now)?;
            let expires_at = now + Duration::days(CONFIRMATION_DAYS);
            store_link(conn, &id, &token, LinkPurpose::Confirm, expires_at, now)?;
            let recipient = Recipient {
                email: &email,
                name: &name,
                language: valid.language,
            };
            outbox::enqueue(conn, &compose::welcome(&recipient, &confirm_url, now)?)?;
            audit::record(
                conn,
                &AuditEntry {
                    id: uuid::Uuid::new_v4().to_string(),
                    actor_id: Some(&id),
                    action: "person.registered",
                    object_type: "person",
                    object_id: &id,
                    before_state: None,
                    after_state: Some(
                        serde_json::json!({ "email": email, "name": name }).to_string(),
                    ),
                    occurred_at: now,
                },
            )?;
            people::find_by_id(conn, &id)?.ok_or(AppError::NotFound)
        })
    })
    .await
}

pub fn grant(
    conn: &mut db::DbConnection,
    person_id: &str,
    role: Role,
    school_id: Option<&str>,
    granted_by: Option<&str>,
    now: chrono::NaiveDateTime,
) -> AppResult<()> {
    if people::has_grant(conn, person_id, role, school_id, None)? {
        return Ok(());
    }
    let id = uuid::Uuid::new_v4().to_string();
    people::insert_grant(
        conn,
        &NewRoleGrant {
            id: &id,
            person_id,
            role: role.as_str(),
            school_id,
            local_authority_id: None,
            programme_id: None,
            granted_by,
            granted_at: now,
        },
    )?;
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: granted_by,
            action: "role.granted",
            object_type: "person",
            object_id: person_id,
            before_state: None,
            after_state: Some(
                serde_json::json!({ "role": role.as_str(), "school_id": school_id }).to_string(),
            ),
            occurred_at: now,
        },
    )?;
    Ok(())
}

/// The active person with this email and password. An unknown email, a wrong password and a
/// deactivated account all give the same answer, after the same work.
pub async fn authenticate(state: &AppState, email: &str, password: &str) -> AppResult<Person> {
    let email = email.trim().to_lowercase();
    let person = db::run(&state.pool, move |conn| {
        Ok(people::find_by_email(conn, &email)?)
    })
    .await?;
    let stored = person
        .as_ref()
        .and_then(|p| p.password_hash.clone())
        .unwrap_or_else(|| passwords::decoy_hash().to_owned());
    let password = password.to_owned();
    let matches = actix_web::web::block(move || passwords::verify(&password, &stored)).await?;
    match person {
        Some(person) if matches && person.active && person.password_hash.is_some() => {
            // The retention period counts from here.
            let id = person.id.clone();
            db::run(&state.pool, move |conn| {
                Ok(people::touch_last_seen(conn, &id, Utc::now().naive_utc())?)
            })
            .await?;
            Ok(person)
        }
        _ => Err(AppError::InvalidCredentials),
    }
}

fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Audits something a person did to their own account through an emailed link.
fn record_own(
    conn: &mut db::DbConnection,
    person_id: &str,
    action: &str,
    at: chrono::NaiveDateTime,
) -> AppResult<()> {
    audit::record(
        conn,
        &AuditEntry {
            id: uuid::Uuid::new_v4().to_string(),
            actor_id: Some(person_id),
            action,
            object_type: "person",
            object_id: person_id,
            before_state: None,
            after_state: None,
            occurred_at: at,
        },
    )?;
    Ok(())
}

/// How long the link that confirms a registered address works.
const CONFIRMATION_DAYS: i64 = 14;

/// A random single-use token for a link in an email (only its hash is stored).
fn new_link_token() -> String {
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    hex::encode(raw)
}

/// Confirms the address of the person the emailed link was sent to; the link is spent.
pub async fn confirm_email(state: &AppState, token: &str) -> AppResult<()> {
    let hashed = token_hash(token.trim());
    db::run(&state.pool, move |conn| {
        db::transaction::<_, AppError, _>(conn, |conn| {
            let now = Utc::now().naive_utc();
            let person_id =
                people::consume_password_reset(conn, &hashed, &[LinkPurpose::Confirm], now)?
                    .ok_or(AppError::Refused("error-confirm-token-invalid"))?;
            people::set_email_unconfirmed(conn, &person_id, false, now)?;
            // Any other confirmation link sent has nothing left to do.
            people::spend_links(conn, &person_id, Some(LinkPurpose::Confirm), now)?;
            record_own(conn, &person_id, "person.email_confirmed", now)
        })
    })
    .await
}

/// How long after one emailed link another may be asked for: a button pressed twice, or by a
/// script, sends one email.
const LINK_RESEND_MINUTES: i64 = 1;

/// What came of asking for the confirmation link again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSent {
    Sent,
    /// A link went out less than a minute ago.
    TooSoon,
    /// The address is confirmed already.
    NotNeeded,
}

/// Sends a self-registered person a new link that confirms their address, unless it is
/// confirmed already or a link went out within the last minute.
pub async fn send_confirmation_again(state: &AppState, person_id: String) -> AppResult<LinkSent> {
    let token = new_link_token();
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        db::transaction::<_, AppError, _>(conn, |conn| {
            let now = Utc::now().naive_utc();
            // Two presses at once, on two processes, take turns: the second sees the first's link.
            if !people::hold(conn, &person_id)? {
                return Err(AppError::NotFound);
            }
            let person = people::find_by_id(conn, &person_id)?.ok_or(AppError::NotFound)?;
            if !people::email_unconfirmed(conn, &person.id)? {
                return Ok(LinkSent::NotNeeded);
            }
            if sent_lately(conn, &person.id, LinkPurpose::Confirm, now)? {
                return Ok(LinkSent::TooSoon);
            }
            let expires_at = now + Duration::days(CONFIRMATION_DAYS);
            store_link(
                conn,
                &person.id,
                &token,
                LinkPurpose::Confirm,
                expires_at,
                now,
            )?;
            let recipient = recipient_of(&person);
            let confirm_url = format!(
                "{public_url}/email/confirm?token={token}&lang={}",
                recipient.language.code()
            );
            outbox::enqueue(conn, &compose::welcome(&recipient, &confirm_url, now)?)?;
            Ok(LinkSent::Sent)
        })
    })
    .await
}

/// Whether a link for `purpose` went to the person within the last minute.
fn sent_lately(
    conn: &mut db::DbConnection,
    person_id: &str,
    purpose: LinkPurpose,
    now: NaiveDateTime,
) -> QueryResult<bool> {
    let recent = now - Duration::minutes(LINK_RESEND_MINUTES);
    Ok(people::last_link_sent_at(conn, person_id, purpose)?.is_some_and(|at| at > recent))
}

/// Stores the hash of an emailed link's token.
fn store_link(
    conn: &mut db::DbConnection,
    person_id: &str,
    token: &str,
    purpose: LinkPurpose,
    expires_at: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    people::insert_password_reset(
        conn,
        &NewPasswordReset {
            id: &uuid::Uuid::new_v4().to_string(),
            person_id,
            token_hash: &token_hash(token),
            created_at: now,
            expires_at,
            purpose: purpose.as_str(),
        },
    )
}

/// A person as the recipient of an email, in their own language.
fn recipient_of(person: &Person) -> Recipient<'_> {
    Recipient {
        email: &person.email,
        name: &person.name,
        language: Language::parse(&person.preferred_language).unwrap_or_default(),
    }
}

/// Emails a single-use reset link if the address belongs to an active account. Says nothing
/// either way, so the form cannot be used to learn who has an account; only an address that
/// cannot be one is refused, as that says nothing about anyone.
pub async fn request_password_reset(state: &AppState, email: &str) -> AppResult<()> {
    let email =
        EmailAddress::parse("email", email).map_err(|error| AppError::Validation(vec![error]))?;
    let token = new_link_token();
    let ttl = state.settings.auth.password_reset_ttl_minutes;
    let public_url = state.settings.public_url().to_owned();
    db::run(&state.pool, move |conn| {
        let Some(person) = people::find_by_email(conn, email.as_str())? else {
            return Ok(());
        };
        if !person.active {
            return Ok(());
        }
        let now = Utc::now().naive_utc();
        db::transaction::<_, AppError, _>(conn, |conn| {
            // Anyone may ask for anyone's address, as often as they like: one link a minute
            // at most, so that the form cannot be used to flood an inbox. The answer is the
            // same either way.
            if !people::hold(conn, &person.id)? {
                return Ok(());
            }
            if sent_lately(conn, &person.id, LinkPurpose::Password, now)? {
                return Ok(());
            }
            let expires_at = now + Duration::minutes(ttl);
            store_link(
                conn,
                &person.id,
                &token,
                LinkPurpose::Password,
                expires_at,
                now,
            )?;
            let recipient = recipient_of(&person);
            // The page opens in the language of the email, whatever the browser prefers.
            let reset_url = format!(
                "{public_url}/password/reset?token={token}&lang={}",
                recipient.language.code()
            );
            outbox::enqueue(
                conn,
                &compose::password_reset(&recipient, &reset_url, ttl, now)?,
            )?;
            Ok(())
        })
    })
    .await
}

/// Sets a new password with a reset token; the token is spent, and every token issued before
/// stops working.
pub async fn reset_password(state: &AppState, token: &str, new_password: &str) -> AppResult<()> {
    let password = NewPassword::parse("password", new_password, None)
        .map_err(|e| AppError::Validation(vec![e]))?;
    let hash = actix_web::web::block(move || passwords::hash(password.expose())).await??;
    let hashed = token_hash(token.trim());
    db::run(&state.pool, move |conn| {
        db::transaction::<_, AppError, _>(conn, |conn| {
            let now = Utc::now().naive_utc();
            let person_id = people::consume_password_reset(
                conn,
                &hashed,
                &[LinkPurpose::Password, LinkPurpose::Invitation],
                now,
            )?
            .ok_or_else(|| AppError::field("token", "error-reset-token-invalid"))?;
            people::set_password_hash(conn, &person_id, &hash, now)?;
            record_own(conn, &person_id, "person.password_reset", now)
        })
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn registration(
        email: &str,
        password: &str,
        name: &str,
        language: Option<&str>,
    ) -> Registration {
        Registration {
            email: email.into(),
            password: password.into(),
            name: name.into(),
            preferred_language: language.map(str::to_owned),
        }
    }

    #[test]
    fn every_bad_field_is_reported_at_once() {
        let Err(AppError::Validation(errors)) = validate(
            &registration("nope", "short", " ", Some("fr")),
            Language::En,
        ) else {
            panic!("expected a validation error");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_ref()).collect();
        assert_eq!(fields, ["email", "password", "name", "preferred_language"]);
    }

    #[test]
    fn the_request_language_is_the_default_preference() {
        let valid = validate(
            &registration("ceri@ysgol.cymru", "Afon Taf 1987 glas", "Ceri", None),
            Language::Cy,
        );
        assert_eq!(valid.map(|v| v.language).ok(), Some(Language::Cy));
    }

    #[test]
    fn reset_tokens_are_stored_hashed() {
        let hashed = token_hash("abc");
        assert_eq!(hashed.len(), 64);
        assert_ne!(hashed, "abc");
    }
}
