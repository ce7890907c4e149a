//! Llwybr: leadership development and CPD enrolment for Welsh education consortia.

pub mod admin;
pub mod applications;
pub mod attendance;
pub mod auth;
pub mod cli;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod evaluations;
pub mod i18n;
pub mod mail;
pub mod outcomes;
pub mod profile;
pub mod reminders;
pub mod reports;
pub mod routes;
pub mod seed;
pub mod startup;
pub mod state;
pub mod synthetic;
pub mod telemetry;
