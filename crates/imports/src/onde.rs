//! ONDE's pupil export (CSV, 1st degree): one row per pupil with up to two guardians, French
//! headers matched after normalisation.

use std::collections::{HashMap, HashSet};

use sesame_core::fold_name;

use crate::plan::{
    GuardianRecord, ImportPlan, InputFile, LinkRecord, Location, MefRecord, Problem, Source,
    StudentRecord,
};
use crate::text::{self, clean, normalise_header, Row};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Column {
    PupilId,
    Ine,
    Family,
    Usage,
    First,
    Birth,
    Class,
    Grouping,
    Level,
    Left,
    /// Known, deliberately not imported (addresses, sex…): not reported as unknown.
    Ignored,
    Guardian(usize, GuardianField),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum GuardianField {
    Family,
    Usage,
    First,
    Civility,
    Link,
    Email,
    Mobile,
    Phone,
    Ignored,
}

/// Pupil headers, normalised, once a trailing "eleve" / "de l'élève" is removed.
const PUPIL_ALIASES: &[(&str, Column)] = &[
    ("identifiant", Column::PupilId),
    ("id", Column::PupilId),
    ("identifiantonde", Column::PupilId),
    ("numero", Column::PupilId),
    ("ine", Column::Ine),
    ("identifiantnational", Column::Ine),
    ("numeroine", Column::Ine),
    ("nom", Column::Family),
    ("nomdefamille", Column::Family),
    ("nomfamille", Column::Family),
    ("nomdenaissance", Column::Family),
    ("nomdusage", Column::Usage),
    ("nomusage", Column::Usage),
    ("prenom", Column::First),
    ("datenaissance", Column::Birth),
    ("datedenaissance", Column::Birth),
    ("nele", Column::Birth),
    ("neele", Column::Birth),
    ("classe", Column::Class),
    ("libelleclasse", Column::Class),
    ("division", Column::Class),
    ("regroupement", Column::Grouping),
    ("libelleregroupement", Column::Grouping),
    ("niveau", Column::Level),
    ("libelleniveau", Column::Level),
    ("datesortie", Column::Left),
    ("datedesortie", Column::Left),
    ("dateradiation", Column::Left),
    ("datederadiation", Column::Left),
    ("sexe", Column::Ignored),
    ("genre", Column::Ignored),
    ("deuxiemeprenom", Column::Ignored),
    ("troisiemeprenom", Column::Ignored),
    ("autresprenoms", Column::Ignored),
    ("dateinscription", Column::Ignored),
    ("datedinscription", Column::Ignored),
    ("dateentree", Column::Ignored),
    ("cycle", Column::Ignored),
    ("ecole", Column::Ignored),
    ("uai", Column::Ignored),
    ("etat", Column::Ignored),
    ("statut", Column::Ignored),
    ("adresse", Column::Ignored),
    ("codepostal", Column::Ignored),
    ("commune", Column::Ignored),
    ("ville", Column::Ignored),
    ("pays", Column::Ignored),
    // The columns of ONDE's "Extraction élèves" that Sésame does not keep.
    ("adresse1", Column::Ignored),
    ("cp1", Column::Ignored),
    ("commune1", Column::Ignored),
    ("pays1", Column::Ignored),
    ("adresse2", Column::Ignored),
    ("cp2", Column::Ignored),
    ("commune2", Column::Ignored),
    ("pays2", Column::Ignored),
    ("identifiantclasse", Column::Ignored),
    ("attestationfournie", Column::Ignored),
    ("autorisationassociations", Column::Ignored),
    ("autorisationphoto", Column::Ignored),
    ("decisiondepassage", Column::Ignored),
    ("communenaissance", Column::Ignored),
    ("communedenaissance", Column::Ignored),
    ("deptnaissance", Column::Ignored),
    ("departementnaissance", Column::Ignored),
    ("paysnaissance", Column::Ignored),
    ("paysdenaissance", Column::Ignored),
    ("nationalite", Column::Ignored),
    ("dateadmission", Column::Ignored),
];

/// Guardian headers, normalised, without their "resp. 1" / "responsable légal 2" part.
const GUARDIAN_ALIASES: &[(&str, GuardianField)] = &[
    ("nom", GuardianField::Family),
    ("nomdefamille", GuardianField::Family),
    ("nomfamille", GuardianField::Family),
    ("nomdenaissance", GuardianField::Family),
    ("nomdusage", GuardianField::Usage),
    ("nomusage", GuardianField::Usage),
    ("prenom", GuardianField::First),
    ("civilite", GuardianField::Civility),
    ("titre", GuardianField::Civility),
    ("lien", GuardianField::Link),
    ("liendeparente", GuardianField::Link),
    ("lienparente", GuardianField::Link),
    ("parente", GuardianField::Link),
    ("qualite", GuardianField::Link),
    ("courriel", GuardianField::Email),
    ("email", GuardianField::Email),
    ("mail", GuardianField::Email),
    ("mel", GuardianField::Email),
    ("adressemail", GuardianField::Email),
    ("adressecourriel", GuardianField::Email),
    ("adresseelectronique", GuardianField::Email),
    ("telephoneportable", GuardianField::Mobile),
    ("telportable", GuardianField::Mobile),
    ("portable", GuardianField::Mobile),
    ("mobile", GuardianField::Mobile),
    ("telmobile", GuardianField::Mobile),
    ("telephonemobile", GuardianField::Mobile),
    ("telephone", GuardianField::Phone),
    ("tel", GuardianField::Phone),
    ("telephonedomicile", GuardianField::Phone),
    ("teldomicile", GuardianField::Phone),
    ("telephonepersonnel", GuardianField::Phone),
    ("telpersonnel", GuardianField::Phone),
    ("telephonetravail", GuardianField::Ignored),
    ("teltravail", GuardianField::Ignored),
    ("telephoneprofessionnel", GuardianField::Ignored),
    ("adresse", GuardianField::Ignored),
    ("codepostal", GuardianField::Ignored),
    ("commune", GuardianField::Ignored),
    ("ville", GuardianField::Ignored),
    ("pays", GuardianField::Ignored),
    ("profession", GuardianField::Ignored),
];

/// The words that say "guardian" around the guardian's number, longest first so that
/// "resplegal" is not read as "resp" + "legal".
const GUARDIAN_WORDS: &[&str] = &[
    "representantlegal",
    "responsablelegal",
    "responsable",
    "resplegal",
    "legal",
    "resp",
    "rl",
];

/// The column a header names, `None` when unknown.
fn column(header: &str) -> Option<Column> {
    let key = normalise_header(header);
    let pupil_key = ["deleleve", "eleve"]
        .iter()
        .find_map(|suffix| key.strip_suffix(suffix).filter(|k| !k.is_empty()))
        .unwrap_or(&key);
    if let Some((_, c)) = PUPIL_ALIASES.iter().find(|(alias, _)| *alias == pupil_key) {
        return Some(*c);
    }
    guardian_column(&key)
}

/// "nomresp1", "prenomresponsablelegal2", "resp1courriel"… : one digit 1 or 2, the word for
/// guardian next to it, and the field on the other side.
fn guardian_column(key: &str) -> Option<Column> {
    let digits: Vec<usize> = key
        .char_indices()
        .filter(|(_, c)| c.is_ascii_digit())
        .map(|(i, _)| i)
        .collect();
    let [at] = digits[..] else {
        return None;
    };
    let number = match &key[at..at + 1] {
        "1" => 1,
        "2" => 2,
        _ => return None,
    };
    let (left, right) = (&key[..at], &key[at + 1..]);
    let field = if right.is_empty() {
        GUARDIAN_WORDS
            .iter()
            .find_map(|word| left.strip_suffix(word).filter(|f| !f.is_empty()))?
    } else if GUARDIAN_WORDS.contains(&left) {
        right
    } else {
        return None;
    };
    GUARDIAN_ALIASES
        .iter()
        .find(|(alias, _)| *alias == field)
        .map(|(_, f)| Column::Guardian(number, *f))
}

/// Where each known column is, the first one winning when a header repeats.
struct Columns(HashMap<Column, usize>);

impl Columns {
    fn at(&self, column: Column) -> Option<usize> {
        self.0.get(&column).copied()
    }

    fn guardian(&self, n: usize, field: GuardianField) -> Option<usize> {
        self.at(Column::Guardian(n, field))
    }
}

/// Parses ONDE pupil exports. ONDE gives no guardian id: one is made from the guardian's
/// folded names and contact (see [`guardian_id`]) so a parent of two pupils is one guardian.
pub fn parse_onde(files: &[InputFile]) -> ImportPlan {
    let mut plan = ImportPlan::new(Source::Onde);
    plan.full_export = true;
    if files.is_empty() {
        plan.problems.push(Problem::fatal(
            Location::file(""),
            "Aucun fichier ONDE n'a été fourni",
        ));
    }
    let mut state = State::default();
    for file in files {
        parse_file(&mut plan, &mut state, file);
    }
    plan
}

#[derive(Default)]
struct State {
    students: HashSet<String>,
    guardians: HashMap<String, usize>,
    mefs: HashSet<String>,
}

fn parse_file(plan: &mut ImportPlan, state: &mut State, file: &InputFile) {
    let name = file.name.as_str();
    let decoded = text::decode_csv(&file.bytes);
    let table = match text::read_table(&decoded) {
        Ok(table) => table,
        Err((line, message)) => {
            plan.problems
                .push(Problem::fatal(Location::line(name, line), message));
            return;
        }
    };
    let mut found = HashMap::new();
    let mut unknown = Vec::new();
    for (i, header) in table.headers.iter().enumerate() {
        if header.trim().is_empty() {
            continue;
        }
        match column(header) {
            Some(c) => {
                found.entry(c).or_insert(i);
            }
            None => unknown.push(format!("« {} »", header.trim())),
        }
    }
    if !unknown.is_empty() {
        plan.problems.push(Problem::warning(
            Location::line(name, 1),
            format!("Colonnes non reconnues, ignorées : {}", unknown.join(", ")),
        ));
    }
    let columns = Columns(found);
    let mut missing = Vec::new();
    if columns.at(Column::Family).is_none() {
        missing.push("nom de l'élève");
    }
    if columns.at(Column::First).is_none() {
        missing.push("prénom de l'élève");
    }
    if columns.at(Column::PupilId).is_none() && columns.at(Column::Ine).is_none() {
        missing.push("identifiant de l'élève ou INE");
    }
    if !missing.is_empty() {
        plan.problems.push(Problem::fatal(
            Location::line(name, 1),
            format!("Colonnes obligatoires absentes : {}", missing.join(", ")),
        ));
        return;
    }
    for row in table.rows.iter().filter(|r| !r.is_blank()) {
        parse_row(plan, state, &columns, name, row);
    }
}

fn parse_row(plan: &mut ImportPlan, state: &mut State, columns: &Columns, file: &str, row: &Row) {
    let get = |c: Column| clean(row.cell(columns.at(c)));
    let location = Location::line(file, row.line);
    let ine = get(Column::Ine).map(|ine| ine.to_uppercase());
    let Some(id) = get(Column::PupilId).or_else(|| ine.clone()) else {
        plan.problems.push(Problem::warning(
            location,
            "Élève sans identifiant ni INE, ligne ignorée",
        ));
        return;
    };
    let (Some(family_name), Some(first_name)) = (get(Column::Family), get(Column::First)) else {
        plan.problems.push(Problem::warning(
            location,
            "Élève sans nom ou sans prénom, ligne ignorée",
        ));
        return;
    };
    if !state.students.insert(id.clone()) {
        plan.problems.push(Problem::warning(
            location,
            format!("L'élève {id} figure deux fois, seule la première ligne est retenue"),
        ));
        return;
    }
    let mut date = |column: Column, label: &str| {
        let value = get(column)?;
        match text::parse_date(&value) {
            Ok(date) => date,
            Err(()) => {
                plan.problems.push(Problem::warning(
                    location.clone(),
                    format!("{label} « {value} » illisible (attendu JJ/MM/AAAA), ignorée"),
                ));
                None
            }
        }
    };
    let birth_date = date(Column::Birth, "Date de naissance");
    let left_on = date(Column::Left, "Date de sortie");
    let (class, grouping) = (get(Column::Class), get(Column::Grouping));
    let groups = match (&class, &grouping) {
        (Some(c), Some(g)) if c != g => vec![g.clone()],
        _ => Vec::new(),
    };
    let level = get(Column::Level);
    if let Some(level) = &level {
        if state.mefs.insert(level.clone()) {
            plan.mefs.push(MefRecord {
                code: level.clone(),
                short_label: level.clone(),
                long_label: level.clone(),
                level: level.clone(),
            });
        }
    }
    plan.students.push(StudentRecord {
        source_id: id.clone(),
        ine,
        usage_name: get(Column::Usage).filter(|u| !text::same_name(u, &family_name)),
        family_name,
        first_name,
        birth_date,
        class_code: class.or(grouping),
        groups,
        mef_code: level,
        left_on,
        location: location.clone(),
    });
    for n in [1, 2] {
        parse_guardian(plan, state, columns, row, &id, n, &location);
    }
}

fn parse_guardian(
    plan: &mut ImportPlan,
    state: &mut State,
    columns: &Columns,
    row: &Row,
    pupil: &str,
    n: usize,
    location: &Location,
) {
    let get = |f: GuardianField| clean(row.cell(columns.guardian(n, f)));
    let family = get(GuardianField::Family);
    let first = get(GuardianField::First);
    let (family_name, first_name) = match (family, first) {
        (Some(family), Some(first)) => (family, first),
        (None, None) => return,
        _ => {
            plan.problems.push(Problem::warning(
                location.clone(),
                format!("Responsable {n} sans nom ou sans prénom, ignoré"),
            ));
            return;
        }
    };
    let email = match text::email(&get(GuardianField::Email).unwrap_or_default()) {
        Ok(email) => email,
        Err(bad) => {
            plan.problems.push(Problem::warning(
                location.clone(),
                format!("Adresse électronique « {bad} » du responsable {n} invalide, ignorée"),
            ));
            None
        }
    };
    let mut phone = None;
    for field in [GuardianField::Mobile, GuardianField::Phone] {
        match text::phone(&get(field).unwrap_or_default()) {
            Ok(Some(number)) => {
                phone = Some(number);
                break;
            }
            Ok(None) => {}
            Err(bad) => plan.problems.push(Problem::warning(
                location.clone(),
                format!("Numéro de téléphone « {bad} » du responsable {n} invalide, ignoré"),
            )),
        }
    }
    let source_id = guardian_id(
        &family_name,
        &first_name,
        email.as_deref(),
        phone.as_deref(),
    )
    .unwrap_or_else(|| format!("{pupil}-R{n}"));
    if !state.guardians.contains_key(&source_id) {
        state
            .guardians
            .insert(source_id.clone(), plan.guardians.len());
        plan.guardians.push(GuardianRecord {
            source_id: source_id.clone(),
            usage_name: get(GuardianField::Usage).filter(|u| !text::same_name(u, &family_name)),
            family_name,
            first_name,
            civility: get(GuardianField::Civility).and_then(|c| text::civility(&c)),
            email,
            phone,
            location: Location {
                element: Some(format!("responsable {n}")),
                ..location.clone()
            },
        });
    }
    if plan
        .links
        .iter()
        .rev()
        .take(2)
        .any(|l| l.student_source_id == pupil && l.guardian_source_id == source_id)
    {
        return;
    }
    plan.links.push(LinkRecord {
        student_source_id: pupil.to_owned(),
        guardian_source_id: source_id,
        relationship: relationship_label(get(GuardianField::Link).as_deref()),
        legal: true,
        location: Location {
            element: Some(format!("responsable {n}")),
            ..location.clone()
        },
    });
}

/// ONDE's stable guardian id: `onde:` + folded family name + `|` + folded first name + `|` +
/// the e-mail in lower case, else the phone's digits. `None` without any contact: then
/// nothing tells two namesakes apart, and the id is the pupil's plus `-R1`/`-R2`.
pub fn guardian_id(
    family_name: &str,
    first_name: &str,
    email: Option<&str>,
    phone: Option<&str>,
) -> Option<String> {
    let contact = email
        .map(|e| e.trim().to_lowercase())
        .or_else(|| phone.map(text::phone_key))?;
    Some(format!(
        "onde:{}|{}|{}",
        fold_name(family_name),
        fold_name(first_name),
        contact
    ))
}

/// ONDE writes relationships as text, often in capitals: the usual ones get their label.
fn relationship_label(text: Option<&str>) -> String {
    let Some(text) = text else {
        return "Responsable légal".to_owned();
    };
    match normalise_header(text).as_str() {
        "mere" => "Mère".to_owned(),
        "pere" => "Père".to_owned(),
        "tuteur" | "tutrice" => "Tuteur".to_owned(),
        "autremembredelafamille" => "Autre membre de la famille".to_owned(),
        _ => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_recognised() {
        assert_eq!(column("Identifiant élève"), Some(Column::PupilId));
        assert_eq!(column("INE"), Some(Column::Ine));
        assert_eq!(column("Nom élève"), Some(Column::Family));
        assert_eq!(column("Nom d'usage"), Some(Column::Usage));
        assert_eq!(column("Prénom"), Some(Column::First));
        assert_eq!(column("Date naissance"), Some(Column::Birth));
        assert_eq!(column("Regroupement"), Some(Column::Grouping));
        assert_eq!(
            column("Nom resp. 1"),
            Some(Column::Guardian(1, GuardianField::Family))
        );
        assert_eq!(
            column("Prénom responsable légal 2"),
            Some(Column::Guardian(2, GuardianField::First))
        );
        assert_eq!(
            column("Courriel resp. 2"),
            Some(Column::Guardian(2, GuardianField::Email))
        );
        assert_eq!(
            column("RESP1_TELEPHONE_PORTABLE"),
            Some(Column::Guardian(1, GuardianField::Mobile))
        );
        assert_eq!(column("Pointure"), None);
        assert_eq!(column("Nom resp. 3"), None);
    }

    #[test]
    fn guardian_ids_ignore_accents_and_phone_spelling() {
        let a = guardian_id("Lefèvre", "Hélène", None, Some("06 12 34 56 78"));
        let b = guardian_id("LEFEVRE", "Helene", None, Some("+33 6.12.34.56.78"));
        assert_eq!(a, b);
        assert_eq!(a.as_deref(), Some("onde:lefevre|helene|0612345678"));
        assert_eq!(guardian_id("A", "B", None, None), None);
    }
}
