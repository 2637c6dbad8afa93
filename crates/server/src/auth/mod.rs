//! Staff authentication and the access-control layer every endpoint goes through.

pub mod allowed;
pub mod caller;
pub mod hashing;
pub mod holder;
pub mod login;
pub mod standings;
pub mod throttle;
pub mod tokens;
pub mod totp;

pub use allowed::{can, Allowed};
pub use caller::{Bearer, Caller, Scoped};
pub use holder::Holder;
