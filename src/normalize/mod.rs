//! Pure normalizers: value in, normalized value plus issues out.
pub mod email;
