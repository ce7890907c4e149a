use super::FieldError;

/// An email address, trimmed and lower-cased so that one person cannot register twice by
/// changing the case of their address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn parse(field: &'static str, raw: &str) -> Result<Self, FieldError> {
        let value = raw.trim().to_lowercase();
        if value.is_empty() {
            return Err(FieldError::new(field, "error-email-missing"));
        }
        // A domain without a dot cannot receive mail from the consortium's SMTP relay.
        let has_dotted_domain = value
            .rsplit_once('@')
            .is_some_and(|(_, domain)| domain.contains('.') && !domain.ends_with('.'));
        if value.len() > 254 || !has_dotted_domain || !email_address::EmailAddress::is_valid(&value)
        {
            return Err(FieldError::new(field, "error-email-invalid"));
        }
        Ok(Self(value))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_whitespace() {
        let email =
            EmailAddress::parse("email", "  Ceri.Jones@Ysgol.Cymru ").map(EmailAddress::into_inner);
        assert_eq!(email, Ok("ceri.jones@ysgol.cymru".to_owned()));
    }

    #[test]
    fn rejects_what_cannot_receive_mail() {
        for bad in [
            "",
            "   ",
            "ceri",
            "ceri@",
            "@ysgol.cymru",
            "ceri@localhost",
            "a b@ysgol.cymru",
            "ceri@ysgol.",
        ] {
            assert!(
                EmailAddress::parse("email", bad).is_err(),
                "{bad:?} should be refused"
            );
        }
        assert_eq!(
            EmailAddress::parse("email", "").map(|_| ()),
            Err(FieldError::new("email", "error-email-missing"))
        );
    }
}
