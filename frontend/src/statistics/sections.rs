//! What « Statistiques » is made of (seed 001 §6): the two origin tables always shown, then
//! five sections opened on demand, and the URL query that remembers which are open, so that
//! coming back from a list (Back) finds the screen as it was left.

use sesame_core::{Grouping, Population};

use crate::route::decode;

/// One statistics table of the API: `(population, by)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub population: Population,
    pub by: Grouping,
}

impl Table {
    pub const fn new(population: Population, by: Grouping) -> Table {
        Table { population, by }
    }
}

/// Every table the screen may show, each loaded once: the two origin tables, the five
/// sections' tables (students by class also feeds the per-class funnel).
pub const TABLES: [Table; 7] = [
    Table::new(Population::Students, Grouping::Origin),
    Table::new(Population::Guardians, Grouping::Origin),
    Table::new(Population::Students, Grouping::Class),
    Table::new(Population::Guardians, Grouping::Class),
    Table::new(Population::Students, Grouping::Mef),
    Table::new(Population::Guardians, Grouping::Mef),
    Table::new(Population::ExternalStudents, Grouping::Origin),
];

/// Index in [`TABLES`].
pub fn table_index(t: Table) -> usize {
    TABLES.iter().position(|x| *x == t).unwrap_or(0)
}

/// A section opened on demand: `(slug in the URL, title, table)`, in the seed's order.
pub const SECTIONS: [(&str, &str, Table); 5] = [
    (
        "eleves-classe",
        "Synthèse des comptes élèves de la structure par classe",
        Table::new(Population::Students, Grouping::Class),
    ),
    (
        "responsables-classe",
        "Synthèse des comptes responsables de la structure par classe",
        Table::new(Population::Guardians, Grouping::Class),
    ),
    (
        "eleves-mef",
        "Synthèse des comptes élèves de la structure par MEF",
        Table::new(Population::Students, Grouping::Mef),
    ),
    (
        "responsables-mef",
        "Synthèse des comptes responsables de la structure par MEF",
        Table::new(Population::Guardians, Grouping::Mef),
    ),
    (
        "eleves-exterieurs",
        "Synthèse des comptes élèves extérieurs",
        Table::new(Population::ExternalStudents, Grouping::Origin),
    ),
];

/// The open sections named in the URL query (`ouvert=eleves-classe&ouvert=…`), in the
/// screen's order; unknown names are ignored.
pub fn open_sections(query: &str) -> Vec<&'static str> {
    let asked: Vec<String> = query
        .trim_start_matches('?')
        .split('&')
        .filter_map(|p| p.split_once('='))
        .filter(|(k, _)| decode(k) == "ouvert")
        .map(|(_, v)| decode(v))
        .collect();
    SECTIONS
        .iter()
        .map(|(slug, _, _)| *slug)
        .filter(|slug| asked.iter().any(|a| a == slug))
        .collect()
}

/// The URL query with `slug` opened or closed (the others kept, in the screen's order).
pub fn toggled_query(query: &str, slug: &str) -> String {
    let mut open = open_sections(query);
    if open.contains(&slug) {
        open.retain(|s| *s != slug);
    } else {
        open.push(
            SECTIONS
                .iter()
                .map(|(s, _, _)| *s)
                .find(|s| *s == slug)
                .unwrap_or(""),
        );
    }
    SECTIONS
        .iter()
        .map(|(s, _, _)| *s)
        .filter(|s| open.contains(s) && !s.is_empty())
        .map(|s| format!("ouvert={s}"))
        .collect::<Vec<_>>()
        .join("&")
}

/// « comptes élèves », « comptes responsables »…: what a table counts.
pub fn noun(population: Population) -> &'static str {
    match population {
        Population::Guardians => "responsables",
        Population::ExternalStudents => "élèves extérieurs",
        Population::Students => "élèves",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_sections_live_in_the_url() {
        assert!(open_sections("").is_empty());
        assert_eq!(
            open_sections("ouvert=eleves-mef&ouvert=inconnu&ouvert=eleves-classe"),
            ["eleves-classe", "eleves-mef"]
        );
        assert_eq!(toggled_query("", "eleves-mef"), "ouvert=eleves-mef");
        assert_eq!(
            toggled_query("ouvert=eleves-mef", "eleves-classe"),
            "ouvert=eleves-classe&ouvert=eleves-mef"
        );
        assert_eq!(toggled_query("ouvert=eleves-mef", "eleves-mef"), "");
        assert_eq!(toggled_query("", "nimporte"), "");
    }

    #[test]
    fn every_section_has_its_table() {
        for (_, _, table) in SECTIONS {
            assert_eq!(TABLES[table_index(table)], table);
        }
        assert_eq!(SECTIONS.len(), 5);
    }
}
