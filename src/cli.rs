//! Command-line actions besides serving.

use std::io::BufRead;

use anyhow::{Context, bail};
use chrono::Utc;

use crate::auth::{accounts, passwords};
use crate::db::people::{self, NewPerson};
use crate::db::{self, DbPool};
use crate::domain::email::EmailAddress;
use crate::domain::language::Language;
use crate::domain::password::NewPassword;
use crate::domain::person_name::PersonName;
use crate::domain::role::Role;
use crate::error::AppError;
use crate::i18n::t;

/// Creates a consortium admin, or makes an existing account one. The password is the first line
/// of `input`, so that it never appears in the shell history or the process list.
pub async fn create_admin(
    pool: &DbPool,
    email: &str,
    name: &str,
    mut input: impl BufRead,
) -> anyhow::Result<()> {
    let explain = |e: crate::domain::FieldError| {
        anyhow::anyhow!("{}: {}", e.field, t(Language::En, e.message_key))
    };
    let email = EmailAddress::parse("email", email).map_err(explain)?;
    let name = PersonName::parse("name", name).map_err(explain)?;
    let mut line = String::new();
    input
        .read_line(&mut line)
        .context("could not read the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        bail!(
            "no password on standard input; try: echo 'a long password' | llwybr create-admin --email ... --name ..."
        );
    }
    let password =
        NewPassword::parse("password", password, Some(email.as_str())).map_err(explain)?;
    let shown = email.as_str().to_owned();
    let hash = tokio::task::spawn_blocking(move || passwords::hash(password.expose())).await??;
    let created = db::run(pool, move |conn| {
        db::transaction::<_, AppError, _>(conn, |conn| {
            let now = Utc::now().naive_utc();
            let name = name.into_inner();
            let (id, created) = match people::find_by_email(conn, email.as_str())? {
                // Anyone may have registered the address first: an account nobody has confirmed
                // through a link sent to it is not trusted with the role as it is. It takes the
                // password typed here, which confirms the address and signs everyone else out.
                Some(existing) if people::email_unconfirmed(conn, &existing.id)? => {
                    people::set_password_hash(conn, &existing.id, &hash, now)?;
                    // The name given here, and none of the registrant's profile or feed.
                    people::reclaim(conn, &existing.id, &name, now)?;
                    (existing.id, Outcome::Reclaimed)
                }
                Some(existing) => (existing.id, Outcome::Granted),
                None => {
                    let id = uuid::Uuid::new_v4().to_string();
                    people::insert_person(
                        conn,
                        &NewPerson {
                            id: &id,
                            email: email.as_str(),
                            name: &name,
                            password_hash: Some(&hash),
                            preferred_language: Language::En.code(),
                            school_id: None,
                            stage_code: None,
                            job_title: None,
                            active: true,
                            created_at: now,
                            updated_at: now,
                            credentials_changed_at: now,
                        },
                    )?;
                    accounts::grant(conn, &id, Role::Participant, None, None, now)?;
                    (id, Outcome::Created)
                }
            };
            accounts::grant(conn, &id, Role::ConsortiumAdmin, None, None, now)?;
            Ok(created)
        })
    })
    .await
    .map_err(|e| anyhow::anyhow!("could not create the admin: {e}"))?;
    match created {
        Outcome::Created => println!("Created consortium admin {shown}"),
        Outcome::Granted => println!(
            "{shown} already had an account: it now has the consortium_admin role (its password is unchanged)"
        ),
        Outcome::Reclaimed => println!(
            "{shown} had registered but never confirmed the address: it now has the consortium_admin role and the password given here, and anyone signed in to it was signed out"
        ),
    }
    Ok(())
}

/// What `create-admin` found at the address.
enum Outcome {
    Created,
    /// A confirmed account, given the role as it is.
    Granted,
    /// A self-registered account never confirmed: given the role and the password typed.
    Reclaimed,
}
