// The Fluent messages are embedded at compile time by a macro that does not tell cargo about
// them: watch the folder, so that editing or adding a message file rebuilds the crate.
fn main() {
    println!("cargo:rerun-if-changed=src/i18n/locales");
    println!("cargo:rerun-if-changed=build.rs");
}
