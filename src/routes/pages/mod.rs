//! Server-rendered pages (askama templates under `templates/`). Forms post back to the same
//! path and work without JavaScript.

pub mod account;
pub mod admin;
pub mod assets;
pub mod calendar;
pub mod career;
pub mod certificate;
pub mod context;
pub mod enrolment;
pub mod error_page;
pub mod evaluation_forms;
pub mod evaluations;
pub mod home;
pub mod language;
pub mod lead;
pub mod measures;
pub mod multipart;
pub mod posted;
pub mod profile;
pub mod programme_editor;
pub mod reports;
pub mod session;
pub mod session_editor;

use actix_web::web;

pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(home::home)
        .service(assets::stylesheet)
        .service(certificate::stylesheet)
        .service(certificate::show)
        .service(calendar::feed)
        .service(account::register_form)
        .service(account::register)
        .service(account::login_form)
        .service(account::login)
        .service(account::logout)
        .service(account::forgot_form)
        .service(account::forgot)
        .service(account::reset_form)
        .service(account::reset)
        .service(account::confirm_email_form)
        .service(account::confirm_email)
        .service(profile::show)
        .service(profile::save)
        .service(profile::confirm_again)
        .service(language::switch)
        .service(enrolment::catalogue_page)
        .service(enrolment::apply)
        .service(enrolment::make_calendar)
        .service(enrolment::replace_calendar)
        .service(enrolment::my_applications)
        .service(enrolment::my_emails)
        .service(enrolment::withdraw)
        .service(enrolment::endorsements)
        .service(enrolment::endorse)
        .service(enrolment::decline)
        .service(lead::overview)
        .service(lead::new_programme)
        .service(programme_editor::edit_programme)
        .service(programme_editor::save_programme)
        .service(session_editor::show)
        .service(session_editor::change)
        .service(session_editor::remove)
        .service(lead::new_cohort)
        .service(lead::cohort_settings)
        .service(lead::move_participant)
        .service(lead::show_cohort)
        .service(lead::add_session)
        .service(lead::register_form)
        .service(lead::take_register)
        .service(lead::complete)
        .service(lead::not_complete)
        .service(evaluations::cohort_rounds)
        .service(evaluations::open_round)
        .service(evaluations::change_round)
        .service(evaluations::mine)
        .service(evaluations::respond_form)
        .service(evaluations::respond)
        .service(evaluations::own_form)
        .service(evaluations::own_respond)
        .service(evaluations::round_results)
        .service(evaluations::cohort_results)
        .service(evaluations::programme_results)
        .service(evaluation_forms::list_page)
        .service(evaluation_forms::new_form)
        .service(evaluation_forms::create_form)
        .service(evaluation_forms::show_page)
        .service(career::mine)
        .service(career::add_mine)
        .service(career::remove_mine)
        .service(career::change_mine)
        .service(career::of_person)
        .service(career::add_for_person)
        .service(career::correct)
        .service(career::delete_entry)
        .service(measures::report)
        .service(measures::people)
        .service(measures::admin_list)
        .service(measures::admin_save)
        .service(reports::dashboard_page)
        .service(reports::participation_page)
        .service(reports::people_page)
        .service(reports::satisfaction_page)
        .service(reports::pipeline_page)
        .service(reports::quarterly_page)
        .configure(admin::configure);
}
