//! `/profile/career`: a person keeps their own career history (list, add, change, remove);
//! `/admin/people/{id}/career`: a consortium admin adds to, corrects or deletes anyone's, with a
//! reason. One form per page, filled from the entry being changed, so no JavaScript is needed;
//! each entry on an admin's page also has its own small form to delete it.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;
use serde::Deserialize;

use super::context::{FormState, Page, PageContext, render, see_other};
use crate::admin::people as admin_people;
use crate::admin::require_admin;
use crate::auth::CurrentUser;
use crate::db::people::{self, SchoolSummary};
use crate::db::{self, DbConnection};
use crate::domain::career::CAREER_ROLES;
use crate::error::{AppError, AppResult};
use crate::outcomes::career::{self, CareerEntryView, CareerRequest};
use crate::state::AppState;

/// Whose career the page shows: your own, or (for an admin) someone else's.
enum Owner {
    Me,
    Person { id: String, name: String },
}

#[derive(Template)]
#[template(path = "pages/career.html")]
struct CareerPage {
    page: PageContext,
    entries: Vec<CareerEntryView>,
    schools: Vec<SchoolSummary>,
    roles: [&'static str; 9],
    form: FormState,
    /// The entry the form changes; a new one without it.
    editing: Option<String>,
    /// The person's id and name when an admin is looking; none on your own page.
    person: Option<(String, String)>,
    saved: bool,
    deleted: bool,
    /// The entry an admin tried to delete, and what was wrong with the request.
    removal: Option<(String, FormState)>,
}

impl CareerPage {
    fn school_name(&self, id: &Option<String>) -> String {
        id.as_ref()
            .and_then(|id| self.schools.iter().find(|s| &s.id == id))
            .map(|s| self.page.i18n.pick(&s.name_en, &s.name_cy).to_owned())
            .unwrap_or_default()
    }

    fn form_action(&self) -> String {
        match (&self.person, &self.editing) {
            (None, None) => "/profile/career".into(),
            (None, Some(entry)) => format!("/profile/career/{entry}"),
            (Some((person, _)), None) => format!("/admin/people/{person}/career"),
            (Some(_), Some(entry)) => format!("/admin/career-entries/{entry}"),
        }
    }

    /// Why deleting `entry` was refused, when it was the one the admin tried.
    fn removal_error(&self, entry: &str) -> Option<&str> {
        self.removal
            .as_ref()
            .filter(|(id, _)| id == entry)
            .and_then(|(_, form)| form.error("reason"))
    }

    fn edit_link(&self, entry: &str) -> String {
        match &self.person {
            None => format!("/profile/career?edit={entry}#career-form"),
            Some((person, _)) => format!("/admin/people/{person}/career?edit={entry}#career-form"),
        }
    }
}

fn form_of(entry: &CareerEntryView) -> FormState {
    FormState::default()
        .with_value("role", &entry.role)
        .with_value("school_id", entry.school_id.as_deref().unwrap_or(""))
        .with_value(
            "organisation_name",
            entry.organisation_name.as_deref().unwrap_or(""),
        )
        .with_value("started_on", &entry.started_on.to_string())
        .with_value(
            "ended_on",
            &entry.ended_on.map(|d| d.to_string()).unwrap_or_default(),
        )
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    edit: Option<String>,
    #[serde(default)]
    saved: Option<String>,
    #[serde(default)]
    deleted: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
pub struct EntryForm {
    #[serde(default)]
    role: String,
    #[serde(default)]
    school_id: String,
    #[serde(default)]
    organisation_name: String,
    #[serde(default)]
    started_on: String,
    #[serde(default)]
    ended_on: String,
    #[serde(default)]
    reason: String,
}

#[derive(Debug, Default, Deserialize)]
pub struct DeletionForm {
    #[serde(default)]
    reason: String,
}

impl EntryForm {
    fn request(&self) -> CareerRequest {
        CareerRequest {
            role: self.role.clone(),
            school_id: Some(self.school_id.clone()),
            organisation_name: Some(self.organisation_name.clone()),
            started_on: Some(self.started_on.clone()),
            ended_on: Some(self.ended_on.clone()),
            reason: Some(self.reason.clone()),
        }
    }

    fn typed(&self) -> FormState {
        FormState::default()
            .with_value("role", &self.role)
            .with_value("school_id", &self.school_id)
            .with_value("organisation_name", &self.organisation_name)
            .with_value("started_on", &self.started_on)
            .with_value("ended_on", &self.ended_on)
            .with_value("reason", &self.reason)
    }
}

fn load(
    conn: &mut DbConnection,
    user: &CurrentUser,
    owner: &Owner,
) -> AppResult<(Vec<CareerEntryView>, Vec<SchoolSummary>)> {
    let entries = match owner {
        Owner::Me => career::list(conn, user.id())?,
        Owner::Person { id, .. } => career::list_for(conn, user, id)?,
    };
    Ok((entries, people::all_schools(conn)?))
}

/// What the form shows: the entry being changed, what was typed (with its problems) and whether
/// the last change was saved; and, on an admin's page, whether an entry was just deleted or why
/// deleting one was refused.
#[derive(Default)]
struct FormView {
    editing: Option<String>,
    typed: Option<FormState>,
    saved: bool,
    deleted: bool,
    removal: Option<(String, FormState)>,
}

async fn show(
    state: &AppState,
    page: PageContext,
    user: CurrentUser,
    owner: Owner,
    view: FormView,
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let FormView {
        editing,
        typed: form,
        saved,
        deleted,
        removal,
    } = view;
    let (entries, schools, owner) = db::run(&state.pool, move |conn| {
        let (entries, schools) = load(conn, &user, &owner)?;
        Ok((entries, schools, owner))
    })
    .await?;
    let form = match form {
        Some(form) => form,
        None => editing
            .as_ref()
            .and_then(|id| entries.iter().find(|e| &e.id == id))
            .map(form_of)
            .unwrap_or_default(),
    };
    // Only an entry on the page can be changed from it.
    let editing = editing.filter(|id| entries.iter().any(|e| &e.id == id));
    render(
        status,
        &CareerPage {
            page,
            entries,
            schools,
            roles: CAREER_ROLES,
            form,
            editing,
            person: match owner {
                Owner::Me => None,
                Owner::Person { id, name } => Some((id, name)),
            },
            saved,
            deleted,
            removal,
        },
    )
}

#[get("/profile/career")]
pub async fn mine(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let query = query.into_inner();
    show(
        &state,
        page.context,
        user,
        Owner::Me,
        FormView {
            editing: query.edit,
            saved: query.saved.is_some(),
            deleted: query.deleted.is_some(),
            ..FormView::default()
        },
        StatusCode::OK,
    )
    .await
}

/// Saves the form (a new entry, or the entry `entry`), or shows it again with its problems.
async fn save(
    state: &AppState,
    page: Page,
    owner: Owner,
    entry: Option<String>,
    form: EntryForm,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let request = form.request();
    let done = match &owner {
        Owner::Me => "/profile/career?saved=1".to_owned(),
        Owner::Person { id, .. } => format!("/admin/people/{id}/career?saved=1"),
    };
    let acting = user.clone();
    let target = match &owner {
        Owner::Me => None,
        Owner::Person { id, .. } => Some(id.clone()),
    };
    let changing = entry.clone();
    let result = db::run(&state.pool, move |conn| match (target, changing) {
        (None, None) => career::add_own(conn, &acting, &request),
        (None, Some(id)) => career::update_own(conn, &acting, &id, &request),
        (Some(person), None) => career::add_for(conn, &acting, &person, &request),
        (Some(_), Some(id)) => career::correct(conn, &acting, &id, &request),
    })
    .await;
    match result {
        Ok(_) => Ok(see_other(done)),
        Err(AppError::Validation(errors)) => {
            let typed = form
                .typed()
                .with_errors(page.context.i18n.language, &errors);
            show(
                state,
                page.context,
                user,
                owner,
                FormView {
                    editing: entry,
                    typed: Some(typed),
                    ..FormView::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[post("/profile/career")]
pub async fn add_mine(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<EntryForm>,
) -> AppResult<HttpResponse> {
    save(&state, page, Owner::Me, None, form.into_inner()).await
}

#[post("/profile/career/{id}")]
pub async fn change_mine(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<EntryForm>,
) -> AppResult<HttpResponse> {
    save(
        &state,
        page,
        Owner::Me,
        Some(id.into_inner()),
        form.into_inner(),
    )
    .await
}

#[post("/profile/career/{id}/delete")]
pub async fn remove_mine(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let id = id.into_inner();
    db::run(&state.pool, move |conn| {
        career::delete_own(conn, &user, &id)
    })
    .await?;
    Ok(see_other("/profile/career?deleted=1".into()))
}

/// The person an admin is looking at, by id and name.
async fn person_owner(state: &AppState, user: &CurrentUser, id: String) -> AppResult<Owner> {
    require_admin(user)?;
    let admin = user.clone();
    db::run(&state.pool, move |conn| {
        let person = admin_people::detail(conn, &admin, &id)?;
        Ok(Owner::Person {
            id: person.id,
            name: person.name,
        })
    })
    .await
}

#[get("/admin/people/{id}/career")]
pub async fn of_person(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    query: web::Query<PageQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let owner = person_owner(&state, &user, id.into_inner()).await?;
    let query = query.into_inner();
    show(
        &state,
        page.context,
        user,
        owner,
        FormView {
            editing: query.edit,
            saved: query.saved.is_some(),
            deleted: query.deleted.is_some(),
            ..FormView::default()
        },
        StatusCode::OK,
    )
    .await
}

#[post("/admin/people/{id}/career")]
pub async fn add_for_person(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<EntryForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let owner = person_owner(&state, &user, id.into_inner()).await?;
    save(&state, page, owner, None, form.into_inner()).await
}

#[post("/admin/career-entries/{id}")]
pub async fn correct(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<EntryForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let entry = id.into_inner();
    let person = entry_owner(&state, &user, entry.clone()).await?;
    let owner = person_owner(&state, &user, person).await?;
    save(&state, page, owner, Some(entry), form.into_inner()).await
}

/// Whose entry `entry` is, for an admin.
async fn entry_owner(state: &AppState, admin: &CurrentUser, entry: String) -> AppResult<String> {
    let admin = admin.clone();
    db::run(&state.pool, move |conn| {
        Ok(career::find_for(conn, &admin, &entry)?.person_id)
    })
    .await
}

/// Deletes anyone's entry with a reason, then shows that person's career again.
#[post("/admin/career-entries/{id}/delete")]
pub async fn delete_entry(
    state: web::Data<AppState>,
    page: Page,
    id: web::Path<String>,
    form: web::Form<DeletionForm>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    let entry = id.into_inner();
    let (acting, target) = (user.clone(), entry.clone());
    let reason = form.into_inner().reason;
    let result = db::run(&state.pool, move |conn| {
        career::delete_for(conn, &acting, &target, Some(&reason))
    })
    .await;
    match result {
        Ok(deleted) => Ok(see_other(format!(
            "/admin/people/{}/career?deleted=1",
            deleted.person_id
        ))),
        Err(AppError::Validation(errors)) => {
            let person = entry_owner(&state, &user, entry.clone()).await?;
            let owner = person_owner(&state, &user, person).await?;
            let refused = FormState::default().with_errors(page.context.i18n.language, &errors);
            show(
                &state,
                page.context,
                user,
                owner,
                FormView {
                    removal: Some((entry, refused)),
                    ..FormView::default()
                },
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
