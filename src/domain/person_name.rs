use super::FieldError;

pub const MAX_NAME_CHARS: usize = 200;

/// A person's name as they want it shown: trimmed, not empty, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PersonName(String);

impl PersonName {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        if value.is_empty() {
            return Err(FieldError::new(field, "error-name-missing"));
        }
        if value.chars().count() > MAX_NAME_CHARS {
            return Err(FieldError::new(field, "error-name-too-long"));
        }
        if value.chars().any(char::is_control) {
            return Err(FieldError::new(field, "error-name-invalid"));
        }
        Ok(Self(value))
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collapses_whitespace_and_keeps_welsh_letters() {
        assert_eq!(
            PersonName::parse("name", "  Siân   ap Gwynfor ").map(PersonName::into_inner),
            Ok("Siân ap Gwynfor".to_owned())
        );
    }

    #[test]
    fn refuses_empty_long_and_control_characters() {
        assert!(PersonName::parse("name", "   ").is_err());
        assert!(PersonName::parse("name", &"a".repeat(201)).is_err());
        assert!(PersonName::parse("name", "Siân\u{0007}").is_err());
    }
}
