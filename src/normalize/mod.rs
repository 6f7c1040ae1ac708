//! Pure normalizers: value in, normalized value plus issues out.
pub mod company;
pub mod date;
pub mod name;
