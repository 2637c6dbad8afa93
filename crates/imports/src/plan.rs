//! The import plan: what a set of files says, independent of the format it came in. The engine
//! compares it with the database; nothing here knows about either.

use std::collections::HashSet;
use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

/// Which system a plan comes from; stored as `account_sources.source`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Source {
    Siecle,
    Onde,
    SesameCsv,
}

impl Source {
    /// The stored name, stable across releases.
    pub fn as_str(&self) -> &'static str {
        match self {
            Source::Siecle => "SIECLE",
            Source::Onde => "ONDE",
            Source::SesameCsv => "SESAME",
        }
    }

    /// The name shown to administrators.
    pub fn label(&self) -> &'static str {
        match self {
            Source::Siecle => "SIECLE",
            Source::Onde => "ONDE",
            Source::SesameCsv => "CSV Sésame",
        }
    }

    /// The inverse of [`Source::as_str`].
    pub fn parse(s: &str) -> Option<Source> {
        match s {
            "SIECLE" => Some(Source::Siecle),
            "ONDE" => Some(Source::Onde),
            "SESAME" => Some(Source::SesameCsv),
            _ => None,
        }
    }
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a record or a problem is in the files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub file: String,
    pub line: Option<u64>,
    pub element: Option<String>,
}

impl Location {
    pub fn file(file: &str) -> Location {
        Location {
            file: file.to_owned(),
            line: None,
            element: None,
        }
    }

    pub fn line(file: &str, line: u64) -> Location {
        Location {
            file: file.to_owned(),
            line: Some(line),
            element: None,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", ligne {line}")?;
        }
        if let Some(element) = &self.element {
            write!(f, " ({element})")?;
        }
        Ok(())
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub location: Location,
    /// French, for a school administrator.
    pub message: String,
    /// A fatal problem means the plan must not be applied at all.
    pub fatal: bool,
}

impl Problem {
    pub fn fatal(location: Location, message: impl Into<String>) -> Problem {
        Problem {
            location,
            message: message.into(),
            fatal: true,
        }
    }

    pub fn warning(location: Location, message: impl Into<String>) -> Problem {
        Problem {
            location,
            message: message.into(),
            fatal: false,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} : {}", self.location, self.message)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MefRecord {
    pub code: String,
    pub short_label: String,
    pub long_label: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StudentRecord {
    /// ELEVE_ID / ONDE pupil id (or INE) / CSV `eleve_id`.
    pub source_id: String,
    /// ID_NATIONAL, upper-cased and trimmed.
    pub ine: Option<String>,
    /// Birth name (NOM_DE_FAMILLE).
    pub family_name: String,
    /// NOM_USAGE, only when present and different from the birth name.
    pub usage_name: Option<String>,
    pub first_name: String,
    pub birth_date: Option<NaiveDate>,
    /// Division (SIECLE TYPE_STRUCTURE D).
    pub class_code: Option<String>,
    /// Groups (SIECLE TYPE_STRUCTURE G).
    pub groups: Vec<String>,
    pub mef_code: Option<String>,
    /// DATE_SORTIE.
    pub left_on: Option<NaiveDate>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GuardianRecord {
    pub source_id: String,
    pub family_name: String,
    pub usage_name: Option<String>,
    pub first_name: String,
    /// "M." or "Mme" when recognised, the given text otherwise.
    pub civility: Option<String>,
    /// Only addresses that pass `sesame_core::contact::valid_email`.
    pub email: Option<String>,
    /// Mobile first, else home phone; only numbers that pass `valid_phone`.
    pub phone: Option<String>,
    pub location: Location,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkRecord {
    pub student_source_id: String,
    pub guardian_source_id: String,
    /// French label: "Mère", "Père", "Tuteur", "Autre membre de la famille"…
    pub relationship: String,
    /// RESP_LEGAL 1 or 2 (always true for ONDE's two guardians).
    pub legal: bool,
    pub location: Location,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportPlan {
    pub source: Option<Source>,
    /// Declared in the files (SIECLE UAJ); None when the format does not say.
    pub uai: Option<String>,
    /// Where [`ImportPlan::uai`] was declared, so establishment problems can point at it.
    pub uai_location: Option<Location>,
    /// ANNEE_SCOLAIRE.
    pub school_year: Option<String>,
    /// HORODATAGE when present (the oldest one when several files carry it).
    pub exported_at: Option<NaiveDateTime>,
    /// True when the students file lists every current student, so that absence means "left".
    pub full_export: bool,
    pub mefs: Vec<MefRecord>,
    pub students: Vec<StudentRecord>,
    pub guardians: Vec<GuardianRecord>,
    pub links: Vec<LinkRecord>,
    pub problems: Vec<Problem>,
}

impl ImportPlan {
    pub fn new(source: Source) -> ImportPlan {
        ImportPlan {
            source: Some(source),
            ..ImportPlan::default()
        }
    }

    pub fn has_fatal(&self) -> bool {
        self.problems.iter().any(|p| p.fatal)
    }

    pub fn fatal_problems(&self) -> impl Iterator<Item = &Problem> {
        self.problems.iter().filter(|p| p.fatal)
    }

    /// Adds a fatal problem when the files declare another establishment than `uai`, the
    /// one the import was started for. Formats that declare nothing pass.
    pub fn check_establishment(&mut self, uai: &str) {
        let expected = uai.trim().to_uppercase();
        let Some(declared) = &self.uai else {
            return;
        };
        if *declared != expected {
            let location = self
                .uai_location
                .clone()
                .unwrap_or_else(|| Location::file(""));
            let message = format!("Le fichier concerne l'établissement {declared}, pas {expected}");
            self.problems.push(Problem::fatal(location, message));
        }
    }
}

/// Refuses (one fatal problem) a plan that would create more than `limit` distinct classes,
/// groups or MEFs: no school's export has that many, and each would be a row of the
/// establishment's structure. Linear in the plan.
impl ImportPlan {
    pub fn check_structure_size(&mut self, limit: usize) {
        let mut classes: HashSet<&str> = HashSet::new();
        let mut groups: HashSet<&str> = HashSet::new();
        let mut mefs: HashSet<&str> = self.mefs.iter().map(|m| m.code.as_str()).collect();
        for s in &self.students {
            classes.extend(s.class_code.as_deref());
            groups.extend(s.groups.iter().map(String::as_str));
            mefs.extend(s.mef_code.as_deref());
        }
        let too_many = [
            (classes.len(), "divisions"),
            (groups.len(), "groupes"),
            (mefs.len(), "MEF"),
        ]
        .into_iter()
        .find(|(n, _)| *n > limit);
        if let Some((n, what)) = too_many {
            let file = self
                .students
                .first()
                .map(|s| s.location.file.clone())
                .or_else(|| self.uai_location.as_ref().map(|l| l.file.clone()))
                .unwrap_or_default();
            let message = format!(
                "Le fichier décrit {} {what} distincts ; un établissement en compte au plus {} : \
                 ce n'est pas l'export d'un établissement.",
                thousands(n as u64),
                thousands(limit as u64)
            );
            self.problems
                .push(Problem::fatal(Location::file(&file), message));
        }
    }
}

/// 300000 → « 300 000 » (a narrow no-break space, as French typography writes it).
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// One uploaded or given file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl InputFile {
    pub fn new(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> InputFile {
        InputFile {
            name: name.into(),
            bytes: bytes.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_read_as_french() {
        let mut location = Location::line("ElevesSansAdresses.xml", 12);
        location.element = Some("ELEVE ELEVE_ID=1234".into());
        assert_eq!(
            location.to_string(),
            "ElevesSansAdresses.xml, ligne 12 (ELEVE ELEVE_ID=1234)"
        );
        assert_eq!(
            Location::line("onde.csv", 4).to_string(),
            "onde.csv, ligne 4"
        );
        assert_eq!(Location::file("a.xml").to_string(), "a.xml");
    }

    #[test]
    fn sources_round_trip() {
        for source in [Source::Siecle, Source::Onde, Source::SesameCsv] {
            assert_eq!(Source::parse(source.as_str()), Some(source));
        }
        assert_eq!(Source::SesameCsv.label(), "CSV Sésame");
    }

    #[test]
    fn too_many_structure_codes_is_fatal() {
        let mut plan = ImportPlan::new(Source::SesameCsv);
        for i in 0..12 {
            plan.students.push(StudentRecord {
                source_id: format!("S{i}"),
                ine: None,
                family_name: "A".into(),
                usage_name: None,
                first_name: "B".into(),
                birth_date: None,
                class_code: Some(format!("C{}", i % 3)),
                groups: vec![],
                mef_code: Some(format!("M{i}")),
                left_on: None,
                location: Location::line("eleves.csv", i + 2),
            });
        }
        plan.check_structure_size(12);
        assert!(!plan.has_fatal());
        plan.check_structure_size(11);
        assert!(plan.has_fatal());
        assert_eq!(
            plan.problems[0].to_string(),
            "eleves.csv : Le fichier décrit 12 MEF distincts ; un établissement en compte au plus \
             11 : ce n'est pas l'export d'un établissement."
        );
        assert_eq!(thousands(300_000), "300\u{202f}000");
        assert_eq!(thousands(5_000), "5\u{202f}000");
        assert_eq!(thousands(999), "999");
    }

    #[test]
    fn another_establishment_is_fatal() {
        let mut plan = ImportPlan::new(Source::Siecle);
        plan.uai = Some("0450750W".into());
        plan.check_establishment("0450750w");
        assert!(!plan.has_fatal());
        plan.check_establishment("0000000A");
        assert!(plan.has_fatal());
        assert_eq!(
            plan.problems[0].message,
            "Le fichier concerne l'établissement 0450750W, pas 0000000A"
        );
        let mut silent = ImportPlan::new(Source::Onde);
        silent.check_establishment("0000000A");
        assert!(!silent.has_fatal());
    }
}
