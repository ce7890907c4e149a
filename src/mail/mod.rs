//! Email: composing messages in the recipient's language, the transport (log, files or SMTP),
//! and the worker that drains the outbox.

pub mod compose;
pub mod worker;

use std::str::FromStr;

use anyhow::Context;
use lettre::message::{Mailbox, MultiPart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{MailSettings, MailTransport, SmtpTls};
use crate::db::outbox::OutboxEmail;

/// Where email goes.
#[derive(Clone)]
pub enum Mailer {
    /// Development without a mail folder: each email is written to the log.
    Log,
    /// Each email becomes an .eml file in a folder (development, tests).
    File(AsyncFileTransport<Tokio1Executor>),
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_settings(settings: &MailSettings) -> anyhow::Result<Self> {
        Ok(match settings.transport {
            MailTransport::Log => Mailer::Log,
            MailTransport::File => {
                std::fs::create_dir_all(&settings.file_dir).with_context(|| {
                    format!(
                        "could not create the mail folder {}",
                        settings.file_dir.display()
                    )
                })?;
                Mailer::File(AsyncFileTransport::new(&settings.file_dir))
            }
            MailTransport::Smtp => {
                let host = settings.smtp_host.as_str();
                let builder = match settings.smtp_tls {
                    SmtpTls::None => AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host),
                    SmtpTls::Starttls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host)
                        .with_context(|| format!("bad SMTP host {host}"))?,
                    SmtpTls::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host)
                        .with_context(|| format!("bad SMTP host {host}"))?,
                };
                let mut builder = builder.port(settings.smtp_port);
                if !settings.smtp_username.is_empty() {
                    builder = builder.credentials(Credentials::new(
                        settings.smtp_username.clone(),
                        settings.smtp_password.clone(),
                    ));
                }
                Mailer::Smtp(builder.build())
            }
        })
    }

    pub async fn send(&self, from: &str, email: &OutboxEmail) -> anyhow::Result<()> {
        let message = build_message(from, email)?;
        match self {
            Mailer::Log => {
                tracing::info!(
                    to = %email.recipient_email,
                    template = %email.template,
                    subject = %email.subject,
                    body = %email.body_text,
                    "email (log transport)"
                );
                Ok(())
            }
            Mailer::File(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .context("could not write the email file"),
            Mailer::Smtp(transport) => transport
                .send(message)
                .await
                .map(|_| ())
                .context("the SMTP server refused the email"),
        }
    }
}

fn build_message(from: &str, email: &OutboxEmail) -> anyhow::Result<Message> {
    let from =
        Mailbox::from_str(from).with_context(|| format!("mail.from '{from}' is not an address"))?;
    let to = Mailbox::new(
        Some(email.recipient_name.clone()),
        email
            .recipient_email
            .parse()
            .context("the recipient address is not valid")?,
    );
    Message::builder()
        .from(from)
        .to(to)
        .subject(email.subject.clone())
        .multipart(MultiPart::alternative_plain_html(
            email.body_text.clone(),
            email.body_html.clone(),
        ))
        .context("could not build the email")
}
