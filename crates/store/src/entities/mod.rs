//! sea-orm entities, one per table of the migration (`migrations/`).
//! Relations are expressed in the repository's queries rather than here: the joins are few
//! and explicit SQL shapes are easier to keep fast on both engines.

pub mod account;
pub mod account_source;
pub mod audit_event;
pub mod class;
pub mod delegation;
pub mod document;
pub mod ent_group;
pub mod ent_user;
pub mod ent_user_group;
pub mod establishment;
pub mod guardian;
pub mod guardian_link;
pub mod holder_token;
pub mod integration_client;
pub mod integration_grant;
pub mod job;
pub mod login_throttle;
pub mod mef;
pub mod notification_setting;
pub mod rate_counter;
pub mod refresh_token;
pub mod staff_role;
pub mod staff_session;
pub mod staff_user;
pub mod student;
pub mod student_external;
pub mod totp_used;
pub mod webhook;
pub mod webhook_delivery;
