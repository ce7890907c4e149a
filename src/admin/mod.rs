//! Consortium administration: CSV imports, people and their roles, organisations, the audit
//! log, and personal-data rights (export, erasure, retention). Every action here checks that
//! the actor is a consortium admin, except a person's export of their own data.

pub mod data_rights;
pub mod imports;
pub mod organisations;
pub mod people;

use crate::auth::CurrentUser;
use crate::domain::role::Role;
use crate::error::AppResult;

/// Forbidden unless the person is a consortium admin.
pub fn require_admin(user: &CurrentUser) -> AppResult<()> {
    user.require_any(&[Role::ConsortiumAdmin])
}
