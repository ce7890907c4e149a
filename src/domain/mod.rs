//! Pure rules of the domain: no I/O, unit-tested without a database.

pub mod academic_year;
pub mod career;
pub mod catalogue;
pub mod completion;
pub mod day;
pub mod eligibility;
pub mod email;
pub mod enrolment;
pub mod evaluation;
pub mod evaluation_form;
pub mod icalendar;
pub mod import;
pub mod language;
pub mod measures;
pub mod organisation;
pub mod password;
pub mod person_name;
pub mod reason;
pub mod role;
pub mod session;
pub mod stage;
pub mod wales_time;

/// A problem with one field of the input: the field's name as the client sent it and the
/// message key (see `src/i18n/locales`) that explains it in the reader's language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    pub field: std::borrow::Cow<'static, str>,
    pub message_key: &'static str,
}

impl FieldError {
    /// `field` is usually a literal; rows of a list are named like `records[3].status`.
    pub fn new(
        field: impl Into<std::borrow::Cow<'static, str>>,
        message_key: &'static str,
    ) -> Self {
        Self {
            field: field.into(),
            message_key,
        }
    }
}
