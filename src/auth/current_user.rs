//! The `CurrentUser` extractor: a valid token (Bearer header for the API, session cookie for
//! pages) for an active person whose credentials have not changed since it was issued.

use std::collections::BTreeSet;
use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::http::header::AUTHORIZATION;
use actix_web::{FromRequest, HttpMessage, HttpRequest, web};

use super::SESSION_COOKIE;
use crate::db::DbConnection;
use crate::db::people::{self, Person, RoleGrant};
use crate::domain::language::Language;
use crate::domain::role::Role;
use crate::error::{AppError, AppResult};
use crate::state::AppState;

#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub person: Person,
    pub grants: Vec<RoleGrant>,
    /// They registered themselves and have not yet used a link sent to the address, so the
    /// account may be someone else's: they may look around but not apply.
    pub email_unconfirmed: bool,
}

impl CurrentUser {
    pub fn id(&self) -> &str {
        &self.person.id
    }

    pub fn roles(&self) -> BTreeSet<Role> {
        self.grants.iter().filter_map(RoleGrant::role).collect()
    }

    pub fn has(&self, role: Role) -> bool {
        self.grants.iter().any(|g| g.role() == Some(role))
    }

    /// Forbidden unless the person holds at least one of `roles`.
    pub fn require_any(&self, roles: &[Role]) -> AppResult<()> {
        if roles.iter().any(|role| self.has(*role)) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn language(&self) -> Language {
        Language::parse(&self.person.preferred_language).unwrap_or_default()
    }

    /// Whether the person may change the programme and add cohorts to it: an admin, or a lead
    /// whose grant is for every programme (no programme named) or names this one. An admin
    /// who grants "programme lead for NPQH" means NPQH only.
    pub fn runs_programme(&self, programme_id: &str) -> bool {
        self.has(Role::ConsortiumAdmin)
            || self
                .lead_grants()
                .any(|scope| scope.is_none_or(|p| p == programme_id))
    }

    /// The local authorities the person is officer of, in the order granted, each once.
    pub fn officer_of(&self) -> Vec<String> {
        let mut own: Vec<String> = Vec::new();
        for grant in &self.grants {
            if grant.role() == Some(Role::LaOfficer)
                && let Some(authority) = &grant.local_authority_id
                && !own.contains(authority)
            {
                own.push(authority.clone());
            }
        }
        own
    }

    /// Whether the person may add programmes to the catalogue: an admin, or a lead for every
    /// programme. A lead for named programmes runs those only.
    pub fn may_create_programmes(&self) -> bool {
        self.has(Role::ConsortiumAdmin) || self.lead_grants().any(|scope| scope.is_none())
    }

    /// The programme each programme-lead grant names, `None` for a grant for every programme.
    fn lead_grants(&self) -> impl Iterator<Item = Option<&str>> {
        self.grants
            .iter()
            .filter(|g| g.role() == Some(Role::ProgrammeLead))
            .map(|g| g.programme_id.as_deref())
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDateTime;

    use super::*;

    fn grant(role: Role, programme_id: Option<&str>) -> RoleGrant {
        RoleGrant {
            id: "g".into(),
            person_id: "p".into(),
            role: role.as_str().into(),
            school_id: None,
            local_authority_id: None,
            programme_id: programme_id.map(str::to_owned),
            granted_by: None,
            granted_at: NaiveDateTime::default(),
        }
    }

    fn user(grants: Vec<RoleGrant>) -> CurrentUser {
        CurrentUser {
            person: Person {
                id: "p".into(),
                ..Person::default()
            },
            grants,
            email_unconfirmed: false,
        }
    }

    #[test]
    fn a_lead_for_named_programmes_runs_those_only() {
        let scoped = user(vec![
            grant(Role::ProgrammeLead, Some("npqh")),
            grant(Role::ProgrammeLead, Some("mlp")),
        ]);
        assert!(scoped.runs_programme("npqh"));
        assert!(scoped.runs_programme("mlp"));
        assert!(!scoped.runs_programme("nth"));
        assert!(!scoped.may_create_programmes());
    }

    #[test]
    fn a_lead_for_every_programme_and_an_admin_run_any() {
        for someone in [
            user(vec![grant(Role::ProgrammeLead, None)]),
            user(vec![
                grant(Role::ProgrammeLead, Some("npqh")),
                grant(Role::ProgrammeLead, None),
            ]),
            user(vec![grant(Role::ConsortiumAdmin, None)]),
        ] {
            assert!(someone.runs_programme("nth"));
            assert!(someone.may_create_programmes());
        }
    }

    #[test]
    fn no_one_else_runs_a_programme() {
        let teacher = user(vec![grant(Role::Participant, None), {
            let mut head = grant(Role::Headteacher, None);
            head.school_id = Some("s".into());
            head
        }]);
        assert!(!teacher.runs_programme("npqh"));
        assert!(!teacher.may_create_programmes());
    }
}

fn bearer_token(req: &HttpRequest) -> Option<String> {
    let header = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = header.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn presented_token(req: &HttpRequest) -> Option<String> {
    bearer_token(req).or_else(|| req.cookie(SESSION_COOKIE).map(|c| c.value().to_owned()))
}

/// A request with a valid token, before the person behind it is read: lets a handler that
/// goes to the database anyway read the person in the same trip (`load`), instead of the
/// `CurrentUser` extractor taking a trip of its own first.
#[derive(Debug, Clone)]
pub struct Authenticated {
    person_id: String,
    /// When the token was issued, in milliseconds.
    issued_at_ms: i64,
}

impl Authenticated {
    /// The person, if they are still active and their credentials have not changed since the
    /// token was issued.
    pub fn load(&self, conn: &mut DbConnection) -> AppResult<CurrentUser> {
        let (person, email_unconfirmed, grants) =
            people::find_with_grants(conn, &self.person_id)?.ok_or(AppError::Unauthenticated)?;
        let revoked =
            self.issued_at_ms < person.credentials_changed_at.and_utc().timestamp_millis();
        // Checked before `revoked`: deactivating also revokes, and the person should be told
        // why they are refused.
        if !person.active {
            return Err(AppError::AccountDeactivated);
        }
        if revoked {
            return Err(AppError::Unauthenticated);
        }
        Ok(CurrentUser {
            person,
            grants,
            email_unconfirmed,
        })
    }
}

impl FromRequest for Authenticated {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let authenticated = match req.app_data::<web::Data<AppState>>() {
            None => Err(AppError::Internal(anyhow::anyhow!(
                "application state missing"
            ))),
            Some(state) => presented_token(req)
                .and_then(|token| state.tokens.verify(&token))
                .map(|claims| Authenticated {
                    person_id: claims.sub,
                    issued_at_ms: claims
                        .iat_ms
                        .unwrap_or_else(|| claims.iat.saturating_mul(1000)),
                })
                .ok_or(AppError::Unauthenticated),
        };
        std::future::ready(authenticated)
    }
}

impl FromRequest for CurrentUser {
    type Error = AppError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, Self::Error>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let state = req.app_data::<web::Data<AppState>>().cloned();
        let authenticated = Authenticated::from_request(req, payload).into_inner();
        let req = req.clone();
        Box::pin(async move {
            let state = state
                .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?;
            let authenticated = authenticated?;
            let user = crate::db::run(&state.pool, move |conn| authenticated.load(conn)).await?;
            // Kept for the error page, should the handler refuse: it still shows who is
            // signed in, rather than a header that looks signed out.
            req.extensions_mut().insert(user.clone());
            Ok(user)
        })
    }
}
