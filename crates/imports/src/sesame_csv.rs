//! Sésame's own CSV, version v1, for schools without SIECLE or ONDE: one row per student, up
//! to two guardians each with an id of the school's choosing. Columns are documented in the
//! crate's README.

use std::collections::{HashMap, HashSet};

use crate::plan::{
    GuardianRecord, ImportPlan, InputFile, LinkRecord, Location, MefRecord, Problem, Source,
    StudentRecord,
};
use crate::text::{self, clean, normalise_header, Row};

/// Every v1 column, in template order.
pub const SESAME_CSV_COLUMNS: &[&str] = &[
    "eleve_id",
    "ine",
    "nom",
    "nom_usage",
    "prenom",
    "date_naissance",
    "classe",
    "groupes",
    "mef_code",
    "mef_libelle",
    "date_sortie",
    "resp1_id",
    "resp1_nom",
    "resp1_nom_usage",
    "resp1_prenom",
    "resp1_civilite",
    "resp1_lien",
    "resp1_legal",
    "resp1_courriel",
    "resp1_telephone",
    "resp2_id",
    "resp2_nom",
    "resp2_nom_usage",
    "resp2_prenom",
    "resp2_civilite",
    "resp2_lien",
    "resp2_legal",
    "resp2_courriel",
    "resp2_telephone",
];

const REQUIRED: &[&str] = &["eleve_id", "nom", "prenom"];

/// The downloadable template: the v1 header and two example students, siblings sharing a
/// guardian.
pub const SESAME_CSV_TEMPLATE: &str = "\
eleve_id;ine;nom;nom_usage;prenom;date_naissance;classe;groupes;mef_code;mef_libelle;date_sortie;resp1_id;resp1_nom;resp1_nom_usage;resp1_prenom;resp1_civilite;resp1_lien;resp1_legal;resp1_courriel;resp1_telephone;resp2_id;resp2_nom;resp2_nom_usage;resp2_prenom;resp2_civilite;resp2_lien;resp2_legal;resp2_courriel;resp2_telephone
E0001;0123456789A;Martin;;Léa;14/03/2013;6A;Latin,Chorale;10010012110;6EME;;R0001;Martin;;Sophie;Mme;Mère;oui;sophie.martin@example.org;06 12 34 56 78;R0002;Martin;;Paul;M.;Père;oui;;07 98 76 54 32
E0002;0123456790B;Martin;;Hugo;02/09/2015;CM1;;;CM1;;R0001;Martin;;Sophie;Mme;Mère;oui;sophie.martin@example.org;06 12 34 56 78;;;;;;;;;
";

/// Columns found in one file, by their v1 name.
struct Columns(HashMap<&'static str, usize>);

impl Columns {
    fn at(&self, name: &str) -> Option<usize> {
        self.0.get(name).copied()
    }
}

#[derive(Default)]
struct State {
    students: HashSet<String>,
    guardians: HashMap<String, usize>,
    mefs: HashSet<String>,
    links: HashSet<(String, String)>,
}

/// Parses Sésame CSV v1 files.
pub fn parse_sesame_csv(files: &[InputFile]) -> ImportPlan {
    let mut plan = ImportPlan::new(Source::SesameCsv);
    plan.full_export = true;
    if files.is_empty() {
        plan.problems.push(Problem::fatal(
            Location::file(""),
            "Aucun fichier CSV n'a été fourni",
        ));
    }
    let mut state = State::default();
    for file in files {
        parse_file(&mut plan, &mut state, file);
    }
    plan
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
        let key = normalise_header(header);
        if key.is_empty() {
            continue;
        }
        match SESAME_CSV_COLUMNS
            .iter()
            .find(|c| normalise_header(c) == key)
        {
            Some(c) => {
                found.entry(*c).or_insert(i);
            }
            None => unknown.push(format!("« {} »", header.trim())),
        }
    }
    if !unknown.is_empty() {
        plan.problems.push(Problem::warning(
            Location::line(name, 1),
            format!(
                "Colonnes inconnues du format CSV Sésame v1, ignorées : {}",
                unknown.join(", ")
            ),
        ));
    }
    let missing: Vec<&str> = REQUIRED
        .iter()
        .filter(|c| !found.contains_key(*c))
        .copied()
        .collect();
    if !missing.is_empty() {
        plan.problems.push(Problem::fatal(
            Location::line(name, 1),
            format!("Colonnes obligatoires absentes : {}", missing.join(", ")),
        ));
        return;
    }
    let columns = Columns(found);
    for row in table.rows.iter().filter(|r| !r.is_blank()) {
        parse_row(plan, state, &columns, name, row);
    }
}

fn parse_row(plan: &mut ImportPlan, state: &mut State, columns: &Columns, file: &str, row: &Row) {
    let get = |c: &str| clean(row.cell(columns.at(c)));
    let location = Location::line(file, row.line);
    let Some(id) = get("eleve_id") else {
        plan.problems.push(Problem::warning(
            location,
            "Élève sans eleve_id, ligne ignorée",
        ));
        return;
    };
    let (Some(family_name), Some(first_name)) = (get("nom"), get("prenom")) else {
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
    let mut date = |column: &str| {
        let value = get(column)?;
        match text::parse_date(&value) {
            Ok(date) => date,
            Err(()) => {
                plan.problems.push(Problem::warning(
                    location.clone(),
                    format!(
                        "{column} « {value} » illisible (attendu JJ/MM/AAAA ou AAAA-MM-JJ), \
                         ignorée"
                    ),
                ));
                None
            }
        }
    };
    let birth_date = date("date_naissance");
    let left_on = date("date_sortie");
    let mut groups: Vec<String> = Vec::new();
    // A set beside the list: one cell may hold any number of groups, and a scan of the list
    // per group would be quadratic in it.
    let mut distinct = std::collections::HashSet::new();
    for group in get("groupes")
        .unwrap_or_default()
        .split([',', '|'])
        .filter_map(clean)
    {
        if distinct.insert(group.clone()) {
            groups.push(group);
        }
    }
    let mef_label = get("mef_libelle");
    let mef_code = get("mef_code").or_else(|| mef_label.clone());
    if let Some(code) = &mef_code {
        if state.mefs.insert(code.clone()) {
            let label = mef_label.clone().unwrap_or_else(|| code.clone());
            plan.mefs.push(MefRecord {
                code: code.clone(),
                short_label: label.clone(),
                long_label: label.clone(),
                level: label,
            });
        }
    }
    plan.students.push(StudentRecord {
        source_id: id.clone(),
        ine: get("ine").map(|ine| ine.to_uppercase()),
        usage_name: get("nom_usage").filter(|u| !text::same_name(u, &family_name)),
        family_name,
        first_name,
        birth_date,
        class_code: get("classe"),
        groups,
        mef_code,
        left_on,
        location: location.clone(),
    });
    for n in [1, 2] {
        parse_guardian(plan, state, &get, &id, n, &location);
    }
}

fn parse_guardian(
    plan: &mut ImportPlan,
    state: &mut State,
    get: &dyn Fn(&str) -> Option<String>,
    student: &str,
    n: usize,
    location: &Location,
) {
    let field = |name: &str| get(&format!("resp{n}_{name}"));
    let id = field("id");
    let family = field("nom");
    let first = field("prenom");
    let element = Some(format!("resp{n}"));
    let location = Location {
        element,
        ..location.clone()
    };
    let Some(id) = id else {
        if family.is_some() || first.is_some() {
            plan.problems.push(Problem::warning(
                location,
                format!("Responsable {n} sans resp{n}_id, ignoré"),
            ));
        }
        return;
    };
    let email = match text::email(&field("courriel").unwrap_or_default()) {
        Ok(email) => email,
        Err(bad) => {
            plan.problems.push(Problem::warning(
                location.clone(),
                format!("Adresse électronique « {bad} » invalide, ignorée"),
            ));
            None
        }
    };
    let phone = match text::phone(&field("telephone").unwrap_or_default()) {
        Ok(phone) => phone,
        Err(bad) => {
            plan.problems.push(Problem::warning(
                location.clone(),
                format!("Numéro de téléphone « {bad} » invalide, ignoré"),
            ));
            None
        }
    };
    match (state.guardians.get(&id), family, first) {
        (Some(&i), family, first) => {
            // A guardian repeated on a sibling's row may give only the id; when it repeats
            // the names they must agree.
            let known = &plan.guardians[i];
            let differs = family.is_some_and(|f| f != known.family_name)
                || first.is_some_and(|f| f != known.first_name);
            if differs {
                plan.problems.push(Problem::warning(
                    location.clone(),
                    format!(
                        "Le responsable {id} a un autre nom qu'à la ligne {}, la première \
                         version est retenue",
                        known.location.line.unwrap_or(0)
                    ),
                ));
            }
        }
        (None, Some(family_name), Some(first_name)) => {
            state.guardians.insert(id.clone(), plan.guardians.len());
            plan.guardians.push(GuardianRecord {
                source_id: id.clone(),
                usage_name: field("nom_usage").filter(|u| !text::same_name(u, &family_name)),
                family_name,
                first_name,
                civility: field("civilite").and_then(|c| text::civility(&c)),
                email,
                phone,
                location: location.clone(),
            });
        }
        (None, _, _) => {
            plan.problems.push(Problem::warning(
                location,
                format!("Responsable {id} sans nom ou sans prénom, ignoré"),
            ));
            return;
        }
    }
    let legal = match field("legal").map(|l| normalise_header(&l)).as_deref() {
        None | Some("oui" | "o" | "1" | "vrai" | "yes" | "true") => true,
        Some("non" | "n" | "0" | "faux" | "no" | "false") => false,
        Some(_) => {
            plan.problems.push(Problem::warning(
                location.clone(),
                format!("resp{n}_legal doit valoir oui ou non ; « oui » est retenu"),
            ));
            true
        }
    };
    if !state.links.insert((student.to_owned(), id.clone())) {
        return;
    }
    plan.links.push(LinkRecord {
        student_source_id: student.to_owned(),
        guardian_source_id: id,
        relationship: field("lien").unwrap_or_else(|| "Responsable légal".to_owned()),
        legal,
        location,
    });
}
