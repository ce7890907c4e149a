//! Pure rules of the domain: no I/O, unit-tested without a database.

pub mod catalogue;
pub mod eligibility;
pub mod email;
pub mod enrolment;
pub mod language;
pub mod password;
pub mod person_name;
pub mod role;
pub mod stage;

/// A problem with one field of the input: the field's name as the client sent it and the
/// message key (see `src/i18n/locales`) that explains it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: &'static str,
    pub message_key: &'static str,
}

impl FieldError {
    pub fn new(field: &'static str, message_key: &'static str) -> Self {
        Self { field, message_key }
    }
}
