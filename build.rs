// The Fluent messages and the migrations are embedded at compile time by macros that do not
// tell cargo about a file they have not seen yet: watch their folders, so that editing or adding
// a message file or a migration rebuilds the crate.
fn main() {
    println!("cargo:rerun-if-changed=src/i18n/locales");
    println!("cargo:rerun-if-changed=migrations");
    println!("cargo:rerun-if-changed=build.rs");
}
