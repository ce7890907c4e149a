//! The one integration-test binary: each test starts the real server on port 0 with a fresh
//! database (a temporary SQLite file, or a new PostgreSQL database when TEST_DATABASE_URL is set).

mod admin_import;
mod admin_people;
mod attendance;
mod auth;
mod calendar;
mod career;
mod catalogue;
mod cli;
mod config;
mod enrolment;
mod enrolment_pages;
mod evaluation_forms;
mod evaluations;
mod health;
mod helpers;
mod measures;
mod migrations;
mod openapi;
mod pages;
mod password_reset;
mod profile;
mod reminders;
mod reports;
mod smtp;
mod smtp_server;
mod stages;
mod synthetic;
