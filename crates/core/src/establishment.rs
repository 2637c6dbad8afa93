//! What an establishment is, as far as the rules care.

use crate::wire::wire_enum;

wire_enum! {
    /// Public or private (« sous contrat ») education: private establishments follow their own
    /// delegation rules (see [`crate::permissions::EstablishmentFacts`]).
    pub enum Sector ("le secteur") {
        Public = "public",
        Private = "private",
    }
}

impl Sector {
    /// As it follows the establishment's kind: « Collège public », « Lycée privé ».
    pub fn label(&self) -> &'static str {
        match self {
            Sector::Public => "public",
            Sector::Private => "privé",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sectors() {
        assert_eq!(Sector::parse("private"), Some(Sector::Private));
        assert_eq!(Sector::parse("privé"), None);
        assert_eq!(
            serde_json::to_string(&Sector::Public).unwrap(),
            "\"public\""
        );
        assert_eq!(Sector::Private.label(), "privé");
    }
}
