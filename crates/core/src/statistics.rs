//! What the activation statistics count by.

use crate::wire::wire_enum;

wire_enum! {
    /// What the rows of a statistics table stand for: the accounts' origin, their class or
    /// their MEF.
    pub enum Grouping ("le regroupement") {
        Origin = "origin",
        Class = "class",
        Mef = "mef",
    }
}

impl Grouping {
    /// The first column's header and the word a table's caption uses for its rows.
    pub fn labels(&self) -> (&'static str, &'static str) {
        match self {
            Grouping::Class => ("Classe", "classe"),
            Grouping::Mef => ("MEF", "MEF"),
            Grouping::Origin => ("Origine de compte", "origine"),
        }
    }
}
