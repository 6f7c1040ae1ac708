//! Rules: the registry of permanent codes, rules files and checks.
pub mod checks;
pub mod meta;
pub mod registry;
