//! Every email is a greeting, some paragraphs, perhaps a button, and a sign-off, in the
//! recipient's language; `templates/email/` lays them out as text and HTML.

use askama::Template;
use chrono::NaiveDateTime;

use crate::db::outbox::NewOutboxEmail;
use crate::domain::language::Language;
use crate::i18n::{t, t_with};

#[derive(Template)]
#[template(path = "email/message.txt")]
struct TextBody<'a> {
    content: &'a EmailContent,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlBody<'a> {
    content: &'a EmailContent,
}

pub struct EmailContent {
    pub language: Language,
    pub subject: String,
    pub greeting: String,
    pub paragraphs: Vec<String>,
    pub action: Option<(String, String)>,
    pub signoff: String,
}

pub struct Recipient<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub language: Language,
}

impl EmailContent {
    fn new(recipient: &Recipient<'_>, subject_key: &str) -> Self {
        let language = recipient.language;
        Self {
            language,
            subject: t(language, subject_key),
            greeting: t_with(
                language,
                "email-greeting",
                &[("name", recipient.name.to_owned())],
            ),
            paragraphs: Vec::new(),
            action: None,
            signoff: t(language, "email-signoff"),
        }
    }

    fn into_outbox(
        self,
        template: &str,
        recipient: &Recipient<'_>,
        now: NaiveDateTime,
    ) -> anyhow::Result<NewOutboxEmail> {
        let body_text = TextBody { content: &self }.render()?;
        let body_html = HtmlBody { content: &self }.render()?;
        Ok(NewOutboxEmail {
            id: crate::db::new_row_id(),
            recipient_email: recipient.email.to_owned(),
            recipient_name: recipient.name.to_owned(),
            language: self.language.code().to_owned(),
            template: template.to_owned(),
            subject: self.subject,
            body_text,
            body_html,
            created_at: now,
            attempts: 0,
            next_attempt_at: now,
            about_person_id: None,
        })
    }
}

pub fn welcome(
    recipient: &Recipient<'_>,
    confirm_url: &str,
    now: NaiveDateTime,
) -> anyhow::Result<NewOutboxEmail> {
    let mut content = EmailContent::new(recipient, "email-welcome-subject");
    content
        .paragraphs
        .push(t(recipient.language, "email-welcome-body"));
    content
        .paragraphs
        .push(t(recipient.language, "email-welcome-confirm"));
    content.action = Some((
        t(recipient.language, "email-welcome-action"),
        confirm_url.to_owned(),
    ));
    content.into_outbox("welcome", recipient, now)
}

pub fn password_reset(
    recipient: &Recipient<'_>,
    reset_url: &str,
    valid_minutes: i64,
    now: NaiveDateTime,
) -> anyhow::Result<NewOutboxEmail> {
    let language = recipient.language;
    let mut content = EmailContent::new(recipient, "email-reset-subject");
    content.paragraphs.push(t(language, "email-reset-body"));
    content.paragraphs.push(t_with(
        language,
        "email-reset-expiry",
        &[("minutes", valid_minutes.to_string())],
    ));
    content.paragraphs.push(t(language, "email-reset-ignore"));
    content.action = Some((t(language, "email-reset-action"), reset_url.to_owned()));
    content.into_outbox("password_reset", recipient, now)
}

/// A short notice: a subject, paragraphs already worded in the recipient's language, and
/// perhaps a link.
pub fn notice(
    recipient: &Recipient<'_>,
    template: &str,
    subject: String,
    paragraphs: Vec<String>,
    action: Option<(String, String)>,
    now: NaiveDateTime,
) -> anyhow::Result<NewOutboxEmail> {
    let mut content = EmailContent::new(recipient, "email-signoff");
    content.subject = subject;
    content.paragraphs = paragraphs;
    content.action = action;
    content.into_outbox(template, recipient, now)
}
