use super::FieldError;

pub const MIN_PASSWORD_CHARS: usize = 10;
pub const MAX_PASSWORD_CHARS: usize = 128;

// The passwords most often tried against school systems; anything on it is refused whatever its
// length.
const COMMON_PASSWORDS: &[&str] = &[
    "password123",
    "password1234",
    "1234567890",
    "12345678910",
    "qwertyuiop",
    "iloveyou123",
    "llwybr12345",
    "passw0rd123",
    "welcome123",
    "cymru12345",
    "abcdefghij",
    "0987654321",
    "teacher123",
    "headteacher",
    "school1234",
    "ysgol12345",
    "password!!",
    "qwerty12345",
];

/// A password a person has chosen, checked against the rules before it is hashed.
pub struct NewPassword(String);

impl NewPassword {
    pub fn parse(field: &'static str, raw: &str, email: Option<&str>) -> Result<Self, FieldError> {
        let chars = raw.chars().count();
        if chars < MIN_PASSWORD_CHARS {
            return Err(FieldError::new(field, "error-password-too-short"));
        }
        if chars > MAX_PASSWORD_CHARS {
            return Err(FieldError::new(field, "error-password-too-long"));
        }
        let lowered = raw.to_lowercase();
        let distinct = {
            let mut seen: Vec<char> = lowered.chars().collect();
            seen.sort_unstable();
            seen.dedup();
            seen.len()
        };
        if distinct < 4 || COMMON_PASSWORDS.contains(&lowered.as_str()) {
            return Err(FieldError::new(field, "error-password-too-common"));
        }
        if let Some(email) = email {
            let local = email.split('@').next().unwrap_or_default().to_lowercase();
            if lowered == email.to_lowercase() || (local.len() >= 4 && lowered.contains(&local)) {
                return Err(FieldError::new(field, "error-password-like-email"));
            }
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

// Never let a password reach a log line through Debug.
impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(raw: &str, email: Option<&str>) -> Result<(), &'static str> {
        NewPassword::parse("password", raw, email)
            .map(|_| ())
            .map_err(|e| e.message_key)
    }

    #[test]
    fn accepts_a_long_varied_password() {
        assert_eq!(key("Afon Taf 1987 glas", Some("ceri@ysgol.cymru")), Ok(()));
        assert_eq!(key("ŵyn-bach-ar-y-bryn", None), Ok(()));
    }

    #[test]
    fn refuses_short_long_common_and_repetitive_passwords() {
        assert_eq!(key("byr123", None), Err("error-password-too-short"));
        assert_eq!(key(&"ab1".repeat(50), None), Err("error-password-too-long"));
        assert_eq!(key("Password123", None), Err("error-password-too-common"));
        assert_eq!(key("aaaaaaaaaaaa", None), Err("error-password-too-common"));
    }

    #[test]
    fn refuses_a_password_built_from_the_email() {
        assert_eq!(
            key("ceri.jones2024", Some("ceri.jones@ysgol.cymru")),
            Err("error-password-like-email")
        );
    }

    #[test]
    fn counts_characters_not_bytes() {
        // Nine Welsh characters are nine characters, however many bytes they take.
        assert_eq!(key("ŵŷâêîôûẁỳ", None), Err("error-password-too-short"));
    }

    #[test]
    fn debug_hides_the_password() {
        let password =
            NewPassword::parse("password", "Afon Taf 1987 glas", None).map(|p| format!("{p:?}"));
        assert_eq!(password.as_deref(), Ok("NewPassword(<redacted>)"));
    }
}
