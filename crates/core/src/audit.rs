//! Who an audit event is about: the kinds of author the journal names.

use crate::wire::wire_enum;

wire_enum! {
    /// The kind of author of an audit event.
    pub enum ActorKind ("l'auteur") {
        /// A staff user of the console.
        Staff = "staff",
        /// An integration client (ENT platform) with its own credentials.
        Client = "client",
        /// An account holder (student or guardian) on their own page.
        AccountHolder = "account",
        /// Sésame itself (scheduled switches, jobs).
        System = "system",
    }
}

impl ActorKind {
    /// The journal's « Auteur » column.
    pub fn label(&self) -> &'static str {
        match self {
            ActorKind::Staff => "Personnel",
            ActorKind::Client => "Application",
            ActorKind::AccountHolder => "Titulaire de compte",
            ActorKind::System => "Système",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn actor_kinds_travel_by_their_wire_names() {
        let wire: Vec<_> = ActorKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(wire, ["staff", "client", "account", "system"]);
        assert_eq!(
            serde_json::to_string(&ActorKind::AccountHolder).unwrap(),
            "\"account\""
        );
        assert_eq!(ActorKind::Staff.label(), "Personnel");
        assert_eq!(ActorKind::parse("holder"), None);
    }
}
