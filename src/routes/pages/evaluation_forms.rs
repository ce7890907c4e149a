//! Evaluation forms for leads and admins: the list, one form's questions, and a plain form to
//! build a new one. Without JavaScript a form cannot grow rows, so the page offers a fixed
//! number of question rows and ignores the blank ones; single-choice options are typed one per
//! line as `value | English label | Welsh label`.

use actix_web::http::StatusCode;
use actix_web::http::header::LOCATION;
use actix_web::{HttpResponse, get, post, web};
use askama::Template;

use super::context::{FormState, Page, PageContext, render};
use crate::db;
use crate::domain::FieldError;
use crate::domain::evaluation::QuestionKind;
use crate::domain::evaluation_form::{
    ChoiceDraft, FormDraft, OVERALL, QuestionDraft, validate_form,
};
use crate::error::{AppError, AppResult};
use crate::evaluations::forms::{self, FormView};
use crate::state::AppState;

/// Question rows on the new-form page.
const ROWS: usize = 10;

#[derive(Template)]
#[template(path = "pages/evaluation_forms.html")]
struct FormsPage {
    page: PageContext,
    forms: Vec<FormView>,
    created: bool,
}

#[derive(Template)]
#[template(path = "pages/evaluation_form.html")]
struct FormPage {
    page: PageContext,
    form: FormView,
}

#[derive(Template)]
#[template(path = "pages/evaluation_form_new.html")]
struct NewFormPage {
    page: PageContext,
    form: FormState,
    rows: Vec<usize>,
    kinds: Vec<&'static str>,
}

impl NewFormPage {
    fn value(&self, row: &usize, name: &str) -> &str {
        self.form.value(&format!("q{row}.{name}"))
    }

    fn error(&self, row: &usize, name: &str) -> Option<&str> {
        self.form.error(&format!("q{row}.{name}"))
    }
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
pub struct CreatedQuery {
    created: Option<String>,
}

#[get("/lead/evaluation-forms")]
pub async fn list_page(
    state: web::Data<AppState>,
    page: Page,
    query: web::Query<CreatedQuery>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let found = db::run(&state.pool, move |conn| forms::list(conn, &user)).await?;
    render(
        StatusCode::OK,
        &FormsPage {
            page: page.context,
            forms: found,
            created: query.created.is_some(),
        },
    )
}

fn new_page(page: PageContext, form: FormState, status: StatusCode) -> AppResult<HttpResponse> {
    render(
        status,
        &NewFormPage {
            page,
            form,
            rows: (0..ROWS).collect(),
            kinds: QuestionKind::ALL.iter().map(|k| k.as_str()).collect(),
        },
    )
}

#[get("/lead/evaluation-forms/new")]
pub async fn new_form(page: Page) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    forms::may_build(&user)?;
    new_page(page.context, FormState::default(), StatusCode::OK)
}

/// The options typed for a row, or the lines that do not have three parts.
fn parse_options(raw: &str) -> Result<Vec<ChoiceDraft>, ()> {
    raw.lines()
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split('|').map(str::trim).collect();
            match parts.as_slice() {
                [value, label_en, label_cy] => Ok(ChoiceDraft {
                    value: (*value).to_owned(),
                    label_en: (*label_en).to_owned(),
                    label_cy: (*label_cy).to_owned(),
                }),
                _ => Err(()),
            }
        })
        .collect()
}

/// `questions[3].options[1].value` from the domain, for the draft's 4th question that came from
/// page row `rows[3]`: `q<row>.options` (options share one textarea), otherwise `q<row>.<name>`.
fn page_field(field: &str, rows: &[usize]) -> String {
    let Some(rest) = field.strip_prefix("questions[") else {
        return field.to_owned();
    };
    let Some((index, name)) = rest.split_once("].") else {
        return field.to_owned();
    };
    let Some(row) = index.parse::<usize>().ok().and_then(|i| rows.get(i)) else {
        return field.to_owned();
    };
    let name = if name.starts_with("options") {
        "options"
    } else if name == "measure_key" {
        "overall"
    } else {
        name
    };
    format!("q{row}.{name}")
}

#[post("/lead/evaluation-forms/new")]
pub async fn create_form(
    state: web::Data<AppState>,
    page: Page,
    form: web::Form<Vec<(String, String)>>,
) -> AppResult<HttpResponse> {
    let user = page.user.clone().ok_or(AppError::Unauthenticated)?;
    forms::may_build(&user)?;
    let pairs = form.into_inner();
    let field = |name: &str| {
        pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.to_owned())
            .unwrap_or_default()
    };
    let mut errors = Vec::new();
    let mut questions = Vec::new();
    let mut rows = Vec::new();
    for row in 0..ROWS {
        let cell = |name: &str| field(&format!("q{row}.{name}"));
        let (prompt_en, prompt_cy, options) =
            (cell("prompt_en"), cell("prompt_cy"), cell("options"));
        // A row with nothing written in it is one the lead did not use.
        if [&prompt_en, &prompt_cy, &options]
            .iter()
            .all(|v| v.trim().is_empty())
        {
            continue;
        }
        let options = match parse_options(&options) {
            Ok(options) => options,
            Err(()) => {
                errors.push(FieldError::new(
                    format!("q{row}.options"),
                    "error-evaluation-form-option-line",
                ));
                Vec::new()
            }
        };
        questions.push(QuestionDraft {
            kind: cell("kind"),
            prompt_en,
            prompt_cy,
            required: cell("required") == "true",
            options,
            measure_key: (cell("overall") == "true").then(|| OVERALL.to_owned()),
        });
        rows.push(row);
    }
    let draft = FormDraft {
        code: field("code"),
        title_en: field("title_en"),
        title_cy: field("title_cy"),
        questions,
    };
    let to_page = |found: Vec<FieldError>| {
        found
            .into_iter()
            .map(|e| FieldError::new(page_field(&e.field, &rows), e.message_key))
            .collect::<Vec<_>>()
    };
    if !errors.is_empty() {
        // An unreadable option line stops the form, but the rest is still checked so that
        // every problem is shown at once.
        if let Err(found) = validate_form(&draft) {
            errors.extend(to_page(found));
        }
    } else {
        match forms::create(&state, user, draft).await {
            Ok(_) => {
                return Ok(HttpResponse::SeeOther()
                    .insert_header((LOCATION, "/lead/evaluation-forms?created=1"))
                    .finish());
            }
            Err(AppError::Validation(found)) => errors = to_page(found),
            Err(AppError::Conflict(key)) => errors = vec![FieldError::new("code", key)],
            Err(other) => return Err(other),
        }
    }
    let typed = pairs
        .iter()
        .fold(FormState::default(), |form, (k, v)| form.with_value(k, v))
        .with_errors(page.context.i18n.language, &errors);
    new_page(page.context, typed, StatusCode::UNPROCESSABLE_ENTITY)
}

#[get("/lead/evaluation-forms/{id}")]
pub async fn show_page(
    state: web::Data<AppState>,
    page: Page,
    form_id: web::Path<String>,
) -> AppResult<HttpResponse> {
    let user = page.user.ok_or(AppError::Unauthenticated)?;
    let found = db::run(&state.pool, move |conn| forms::show(conn, &user, &form_id)).await?;
    render(
        StatusCode::OK,
        &FormPage {
            page: page.context,
            form: found,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_are_three_parts_a_line_and_blank_lines_are_ignored() {
        let options = parse_options("a | Yes | Ie\n\n b|No|Na ").unwrap_or_default();
        assert_eq!(options.len(), 2);
        assert_eq!(options[1].label_cy, "Na");
        assert!(parse_options("a | Yes").is_err());
    }

    #[test]
    fn domain_fields_point_at_the_page_row_they_came_from() {
        let rows = [0, 3];
        assert_eq!(page_field("questions[1].prompt_cy", &rows), "q3.prompt_cy");
        assert_eq!(
            page_field("questions[1].options[2].value", &rows),
            "q3.options"
        );
        assert_eq!(page_field("questions[0].measure_key", &rows), "q0.overall");
        assert_eq!(page_field("title_en", &rows), "title_en");
    }
}
