//! Passwords, access tokens, and the extractor that turns a request into the current person.

pub mod accounts;
pub mod current_user;
pub mod passwords;
pub mod tokens;

pub use current_user::{Authenticated, CurrentUser};

/// The cookie that carries the access token for pages.
pub const SESSION_COOKIE: &str = "llwybr_session";
