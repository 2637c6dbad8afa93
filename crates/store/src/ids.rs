//! Opaque ids: random UUIDs as text, so nothing can be guessed or counted from an id.

pub fn new_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}
