//! Settings, layered: the built-in `config/default.toml`, the same file on disk, then
//! `config/{environment}.toml`, then `LLWYBR__SECTION__KEY` environment variables, then plain
//! `DATABASE_URL`.

use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Toml};
use serde::Deserialize;

const BUILT_IN_DEFAULTS: &str = include_str!("../config/default.toml");
const DEVELOPMENT_TOKEN_SECRET: &str = "change-me-development-secret-not-for-production";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Test,
    Production,
}

impl Environment {
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Development => "development",
            Environment::Test => "test",
            Environment::Production => "production",
        }
    }

    fn parse(value: &str) -> Result<Self, ConfigError> {
        match value.trim().to_ascii_lowercase().as_str() {
            "development" | "dev" => Ok(Environment::Development),
            "test" => Ok(Environment::Test),
            "production" | "prod" => Ok(Environment::Production),
            other => Err(ConfigError::Invalid(format!(
                "LLWYBR_ENVIRONMENT is '{other}'; use development, test or production"
            ))),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    #[serde(skip_deserializing, default = "default_environment")]
    pub environment: Environment,
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub auth: AuthSettings,
    pub mail: MailSettings,
    pub log: LogSettings,
    pub reminders: ReminderSettings,
    pub evaluations: EvaluationSettings,
    #[serde(default)]
    pub imports: ImportSettings,
    #[serde(default)]
    pub retention: RetentionSettings,
    #[serde(default)]
    pub reports: ReportSettings,
}

fn default_environment() -> Environment {
    Environment::Development
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub public_url: String,
    pub shutdown_timeout_secs: u64,
    pub workers: usize,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: String,
    pub pool_size: u32,
    pub connect_timeout_secs: u64,
}

#[derive(Clone, Deserialize)]
pub struct AuthSettings {
    pub token_secret: String,
    pub token_issuer: String,
    pub token_audience: String,
    pub token_ttl_minutes: i64,
    pub password_reset_ttl_minutes: i64,
    pub secure_cookies: bool,
}

// The secret must never reach a log line, so Debug is written by hand.
impl std::fmt::Debug for AuthSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuthSettings")
            .field("token_secret", &"<redacted>")
            .field("token_issuer", &self.token_issuer)
            .field("token_audience", &self.token_audience)
            .field("token_ttl_minutes", &self.token_ttl_minutes)
            .field(
                "password_reset_ttl_minutes",
                &self.password_reset_ttl_minutes,
            )
            .field("secure_cookies", &self.secure_cookies)
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    Log,
    File,
    Smtp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SmtpTls {
    None,
    Starttls,
    Tls,
}

#[derive(Clone, Deserialize)]
pub struct MailSettings {
    pub transport: MailTransport,
    pub file_dir: PathBuf,
    pub from: String,
    pub smtp_host: String,
    pub smtp_port: u16,
    pub smtp_tls: SmtpTls,
    pub smtp_username: String,
    pub smtp_password: String,
    pub poll_interval_ms: u64,
    pub max_attempts: i32,
    /// Seconds before the first retry of an email that could not be sent; each later retry
    /// waits twice as long as the one before.
    pub retry_base_secs: u64,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailSettings")
            .field("transport", &self.transport)
            .field("file_dir", &self.file_dir)
            .field("from", &self.from)
            .field("smtp_host", &self.smtp_host)
            .field("smtp_port", &self.smtp_port)
            .field("smtp_tls", &self.smtp_tls)
            .field("smtp_username", &self.smtp_username)
            .field("smtp_password", &"<redacted>")
            .field("poll_interval_ms", &self.poll_interval_ms)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base_secs", &self.retry_base_secs)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration could not be read: {0}")]
    Read(#[from] Box<figment::Error>),
    #[error("{0}")]
    Invalid(String),
}

impl Settings {
    /// Reads the settings for `LLWYBR_ENVIRONMENT` (default "development") from `config/`
    /// (or `LLWYBR_CONFIG_DIR`) and the process environment.
    pub fn load() -> Result<Self, ConfigError> {
        let environment = match std::env::var("LLWYBR_ENVIRONMENT") {
            Ok(value) => Environment::parse(&value)?,
            Err(_) => Environment::Development,
        };
        let dir = std::env::var_os("LLWYBR_CONFIG_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from("config"));
        Self::load_from(&dir, environment)
    }

    pub fn load_from(dir: &Path, environment: Environment) -> Result<Self, ConfigError> {
        let mut figment = Figment::new()
            .merge(Toml::string(BUILT_IN_DEFAULTS))
            .merge(Toml::file(dir.join("default.toml")))
            .merge(Toml::file(
                dir.join(format!("{}.toml", environment.as_str())),
            ))
            .merge(Env::prefixed("LLWYBR__").split("__"));
        if let Ok(url) = std::env::var("DATABASE_URL") {
            figment = figment.merge(("database.url", url));
        }
        let mut settings: Settings = figment.extract().map_err(Box::new)?;
        settings.environment = environment;
        settings.validate()?;
        Ok(settings)
    }

    fn validate(&self) -> Result<(), ConfigError> {
        if self.environment == Environment::Production {
            if self.auth.token_secret == DEVELOPMENT_TOKEN_SECRET {
                return Err(ConfigError::Invalid(
                    "refusing to start in production with the default token secret: set \
                     LLWYBR__AUTH__TOKEN_SECRET to a long random value (at least 32 characters)"
                        .into(),
                ));
            }
            if self.auth.token_secret.len() < 32 {
                return Err(ConfigError::Invalid(
                    "LLWYBR__AUTH__TOKEN_SECRET is too short for production: use at least 32 \
                     random characters"
                        .into(),
                ));
            }
        }
        if self.auth.token_ttl_minutes <= 0 || self.auth.password_reset_ttl_minutes <= 0 {
            return Err(ConfigError::Invalid(
                "auth.token_ttl_minutes and auth.password_reset_ttl_minutes must be positive"
                    .into(),
            ));
        }
        if !(2000..=2100).contains(&self.reports.baseline_year)
            || self.reports.participation_target_pct < 0
        {
            return Err(ConfigError::Invalid(
                "reports.baseline_year must be a year from 2000 to 2100 and \
                 reports.participation_target_pct must not be negative"
                    .into(),
            ));
        }
        // 0 or fewer would remind no one, silently; a year is more than any cohort runs.
        if !(1..=366).contains(&self.reminders.days_before) {
            return Err(ConfigError::Invalid(
                "reminders.days_before must be from 1 to 366 days".into(),
            ));
        }
        // Parsed only when an email is sent, a mistyped sender would fail every email for
        // hours of retries before anyone noticed.
        if self.mail.from.parse::<lettre::message::Mailbox>().is_err() {
            return Err(ConfigError::Invalid(format!(
                "mail.from '{}' is not an address (e.g. \"Llwybr <llwybr@consortium.cymru>\")",
                self.mail.from
            )));
        }
        if self.database.pool_size == 0 {
            return Err(ConfigError::Invalid(
                "database.pool_size must be at least 1".into(),
            ));
        }
        Ok(())
    }

    pub fn public_url(&self) -> &str {
        self.server.public_url.trim_end_matches('/')
    }
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub struct ReminderSettings {
    /// Remind participants this many days before a session.
    pub days_before: i64,
    /// How often to look for reminders that are due.
    pub interval_secs: u64,
}

#[derive(Debug, Clone, Deserialize)]
pub struct EvaluationSettings {
    /// How often to open due rounds, invite and send evaluation reminders.
    pub interval_secs: u64,
    /// Open an end-of-programme round by itself when a cohort ends.
    pub auto_open: bool,
    /// ... this many days after the cohort's end date (0: on the end date).
    pub auto_open_after_days: i64,
    /// How many days an automatically opened round takes answers.
    pub auto_open_days_open: i64,
    /// Its reminder schedule in days (0: no reminders).
    pub auto_open_reminder_every_days: i64,
    pub auto_open_anonymous: bool,
}

/// The CSV import worker.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct ImportSettings {
    /// How often each process looks for an uploaded file to check and apply.
    pub poll_interval_ms: u64,
}

impl Default for ImportSettings {
    fn default() -> Self {
        Self {
            poll_interval_ms: 1000,
        }
    }
}

/// Anonymising people who have not been seen for a long time.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct RetentionSettings {
    /// Anonymise people inactive for longer than this many days; 0 switches it off.
    pub inactive_after_days: i64,
    /// How often each process looks for people past the retention period.
    pub interval_secs: u64,
}

impl Default for RetentionSettings {
    fn default() -> Self {
        Self {
            inactive_after_days: 0,
            interval_secs: 3600,
        }
    }
}

/// The consortium's participation target.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(default)]
pub struct ReportSettings {
    /// The academic year (by the calendar year it starts) participation is measured against.
    pub baseline_year: i32,
    /// The growth over the baseline year the consortium aims for, in percent.
    pub participation_target_pct: i32,
}

impl Default for ReportSettings {
    fn default() -> Self {
        Self {
            baseline_year: 2023,
            participation_target_pct: 50,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
}

#[cfg(test)]
// figment's Jail closures must return its (large) error type.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    fn load(jail: &Jail, environment: Environment) -> Result<Settings, ConfigError> {
        Settings::load_from(jail.directory(), environment)
    }

    #[test]
    fn built_in_defaults_serve_sqlite_on_port_8080() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let settings = load(jail, Environment::Development).map_err(|e| e.to_string())?;
            assert_eq!(settings.server.port, 8080);
            assert_eq!(settings.database.url, "sqlite://data/llwybr.sqlite3");
            Ok(())
        });
    }

    #[test]
    fn files_then_prefixed_variables_then_database_url_override() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.create_file("test.toml", "[server]\nport = 7000\nworkers = 3\n")?;
            jail.set_env("LLWYBR__SERVER__PORT", "9000");
            jail.set_env("LLWYBR__MAIL__TRANSPORT", "log");
            jail.set_env("DATABASE_URL", "postgres://postgres@127.0.0.1/llwybr");
            let settings = load(jail, Environment::Test).map_err(|e| e.to_string())?;
            assert_eq!(settings.server.port, 9000);
            assert_eq!(settings.server.workers, 3);
            assert_eq!(settings.mail.transport, MailTransport::Log);
            assert_eq!(
                settings.database.url,
                "postgres://postgres@127.0.0.1/llwybr"
            );
            Ok(())
        });
    }

    #[test]
    fn production_needs_a_real_token_secret() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            let refused = load(jail, Environment::Production)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(refused.contains("default token secret"), "{refused}");

            jail.set_env("LLWYBR__AUTH__TOKEN_SECRET", "too-short");
            let refused = load(jail, Environment::Production)
                .err()
                .map(|e| e.to_string())
                .unwrap_or_default();
            assert!(refused.contains("too short"), "{refused}");

            jail.set_env(
                "LLWYBR__AUTH__TOKEN_SECRET",
                "x7Hq2m9Lk4Vt8Wn1Rz6Yb3Pc5Df0Gs2J",
            );
            assert!(load(jail, Environment::Production).is_ok());
            Ok(())
        });
    }

    #[test]
    fn secrets_never_show_in_debug_output() {
        Jail::expect_with(|jail| {
            jail.clear_env();
            jail.set_env("LLWYBR__MAIL__SMTP_PASSWORD", "smtp-secret-value");
            let settings = load(jail, Environment::Development).map_err(|e| e.to_string())?;
            let shown = format!("{settings:?}");
            assert!(!shown.contains("smtp-secret-value"));
            assert!(!shown.contains(DEVELOPMENT_TOKEN_SECRET));
            Ok(())
        });
    }

    #[test]
    fn an_unknown_environment_is_refused() {
        assert!(Environment::parse("staging").is_err());
        assert_eq!(
            Environment::parse("PRODUCTION").ok(),
            Some(Environment::Production)
        );
    }
}
