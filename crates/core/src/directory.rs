//! The ENT directory's own words.

use crate::wire::wire_enum;

wire_enum! {
    /// A node of an establishment's group tree: the establishment at its root, folders that
    /// only arrange, and the classes and pedagogical groups people belong to.
    pub enum EntGroupKind ("le type de groupe") {
        Establishment = "establishment",
        Folder = "folder",
        Class = "class",
        Group = "group",
    }
}

impl EntGroupKind {
    /// As a person reads it beside the group's name.
    pub fn label(&self) -> &'static str {
        match self {
            EntGroupKind::Establishment => "établissement",
            EntGroupKind::Folder => "dossier",
            EntGroupKind::Class => "classe",
            EntGroupKind::Group => "groupe",
        }
    }

    /// Whether people are members of it (a folder only arranges the tree).
    pub fn has_members(&self) -> bool {
        matches!(self, EntGroupKind::Class | EntGroupKind::Group)
    }
}
