//! SIECLE's XML exports (ElevesSansAdresses / ElevesAvecAdresses, ResponsablesAvecAdresses,
//! Nomenclature), read as a stream of events: only the record being read is ever held.

use std::collections::{HashMap, HashSet};
use std::io::BufRead;

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use crate::plan::{
    GuardianRecord, ImportPlan, InputFile, LinkRecord, Location, MefRecord, Problem, Source,
    StudentRecord,
};
use crate::text::{self, clean, LineCounter};

/// The three kinds of file, told apart by their root element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FileKind {
    Eleves,
    Responsables,
    Nomenclatures,
}

impl FileKind {
    fn from_root(root: &str) -> Option<FileKind> {
        match root {
            "BEE_ELEVES" => Some(FileKind::Eleves),
            "BEE_RESPONSABLES" => Some(FileKind::Responsables),
            "BEE_NOMENCLATURES" => Some(FileKind::Nomenclatures),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RecordKind {
    Parametres,
    Eleve,
    Structure,
    Mef,
    Personne,
    Responsable,
}

/// One record element with its attributes and the text of its direct children; anything
/// nested deeper (addresses…) is skipped.
struct RecordBuf {
    kind: RecordKind,
    name: String,
    attrs: Vec<(String, String)>,
    fields: Vec<(String, String)>,
    /// Depth of the record element in the element stack.
    depth: usize,
    line: u64,
    /// The direct child being read and its text so far.
    child: Option<(String, String)>,
}

impl RecordBuf {
    fn attr(&self, name: &str) -> Option<String> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| clean(v))
    }

    fn field(&self, name: &str) -> Option<String> {
        self.fields
            .iter()
            .find(|(k, _)| k == name)
            .and_then(|(_, v)| clean(v))
    }

    /// The element and its identifying attributes, e.g. `ELEVE ELEVE_ID=1234`.
    fn describe(&self) -> String {
        let mut out = self.name.clone();
        for (k, v) in &self.attrs {
            out.push(' ');
            out.push_str(k);
            out.push('=');
            out.push_str(v);
        }
        if self.kind == RecordKind::Responsable {
            for key in ["ELEVE_ID", "PERSONNE_ID"] {
                if let Some(v) = self.field(key) {
                    out.push_str(&format!(" {key}={v}"));
                }
            }
        }
        out
    }

    fn location(&self, file: &str) -> Location {
        Location {
            file: file.to_owned(),
            line: Some(self.line),
            element: Some(self.describe()),
        }
    }
}

struct Structure {
    eleve_id: String,
    code: String,
    kind: String,
    location: Location,
}

/// What the files say, gathered before the cross-file checks.
#[derive(Default)]
struct Gathered {
    plan: ImportPlan,
    /// Index in `plan.students` and the file it came from.
    students: HashMap<String, (usize, usize)>,
    skipped_students: HashSet<String>,
    guardians: HashMap<String, (usize, usize)>,
    skipped_guardians: HashSet<String>,
    mefs: HashSet<String>,
    structures: Vec<Structure>,
    links: Vec<LinkRecord>,
    has_eleves: bool,
    school_year_file: Option<String>,
}

/// Parses any mix of SIECLE files into one plan. Every problem is in the plan; this never
/// fails.
pub fn parse_siecle(files: &[InputFile]) -> ImportPlan {
    let mut g = Gathered {
        plan: ImportPlan::new(Source::Siecle),
        ..Gathered::default()
    };
    if files.is_empty() {
        g.plan.problems.push(Problem::fatal(
            Location::file(""),
            "Aucun fichier SIECLE n'a été fourni",
        ));
    }
    for (index, file) in files.iter().enumerate() {
        parse_file(&mut g, index, file);
    }
    finish(g)
}

/// The reading position inside one file.
struct FileState<'a> {
    index: usize,
    name: &'a str,
    stack: Vec<String>,
    kind: Option<FileKind>,
    record: Option<RecordBuf>,
    /// ELEVE_ID of the STRUCTURES_ELEVE being read.
    structures_eleve: Option<String>,
}

/// Reading stops at the first fatal problem, which is already in the plan.
struct Stop;

fn parse_file(g: &mut Gathered, index: usize, file: &InputFile) {
    let name = file.name.as_str();
    let encoding = match text::xml_encoding(&file.bytes) {
        Ok(encoding) => encoding,
        Err(label) => {
            g.plan.problems.push(Problem::fatal(
                Location::line(name, 1),
                format!("Encodage « {label} » inconnu, le fichier ne peut pas être lu"),
            ));
            return;
        }
    };
    let mut reader = Reader::from_reader(text::utf8_lines(&file.bytes, encoding));
    let mut buf = Vec::with_capacity(1024);
    let mut state = FileState {
        index,
        name,
        stack: Vec::with_capacity(8),
        kind: None,
        record: None,
        structures_eleve: None,
    };
    loop {
        let event = match reader.read_event_into(&mut buf) {
            Ok(event) => event,
            Err(err) => {
                let line = reader.get_ref().line();
                g.plan.problems.push(Problem::fatal(
                    Location::line(name, line),
                    format!("XML mal formé : {}", describe_error(&err)),
                ));
                return;
            }
        };
        let line = reader.get_ref().line();
        let outcome = match event {
            Event::Start(start) => state.open(g, &start, false, line),
            Event::Empty(start) => state.open(g, &start, true, line),
            Event::End(_) => {
                state.close(g);
                Ok(())
            }
            // Whitespace between elements is most of the text: only what is kept is unescaped.
            Event::Text(_) if !state.wants_text() => Ok(()),
            Event::Text(t) => match t.unescape() {
                Ok(s) => {
                    state.text(&s);
                    Ok(())
                }
                Err(err) => {
                    g.plan.problems.push(Problem::fatal(
                        Location::line(name, line),
                        format!("XML mal formé : {}", describe_error(&err)),
                    ));
                    Err(Stop)
                }
            },
            Event::CData(t) => {
                state.text(&String::from_utf8_lossy(&t));
                Ok(())
            }
            Event::Eof => break,
            _ => Ok(()),
        };
        if outcome.is_err() {
            return;
        }
        buf.clear();
    }
    let line = reader.get_ref().line();
    if let Some(open) = state.stack.last() {
        g.plan.problems.push(Problem::fatal(
            Location::line(name, line),
            format!(
                "XML mal formé : le fichier s'arrête avant la fin de l'élément <{open}> \
                 (fichier tronqué ?)"
            ),
        ));
    } else if state.kind.is_none() {
        g.plan.problems.push(Problem::fatal(
            Location::file(name),
            "Le fichier est vide ou ne contient aucun élément XML",
        ));
    }
}

impl FileState<'_> {
    fn open(
        &mut self,
        g: &mut Gathered,
        start: &BytesStart,
        empty: bool,
        line: u64,
    ) -> Result<(), Stop> {
        let element = element_name(start);
        if self.stack.is_empty() {
            if self.kind.is_some() {
                g.plan.problems.push(Problem::fatal(
                    Location::line(self.name, line),
                    format!("XML mal formé : second élément racine <{element}>"),
                ));
                return Err(Stop);
            }
            let Some(kind) = FileKind::from_root(&element) else {
                g.plan.problems.push(Problem::fatal(
                    Location::line(self.name, line),
                    format!(
                        "Fichier non reconnu : l'élément racine est <{element}>, attendu \
                         BEE_ELEVES, BEE_RESPONSABLES ou BEE_NOMENCLATURES"
                    ),
                ));
                return Err(Stop);
            };
            self.kind = Some(kind);
            g.has_eleves |= kind == FileKind::Eleves;
        }
        if let Some(rec) = self.record.as_mut() {
            if self.stack.len() == rec.depth + 1 {
                if empty {
                    rec.fields.push((element.clone(), String::new()));
                } else {
                    rec.child = Some((element.clone(), String::new()));
                }
            }
        } else if let Some(kind) = record_kind(&self.stack, &element) {
            let rec = RecordBuf {
                kind,
                name: element.clone(),
                attrs: attributes(start),
                fields: Vec::new(),
                depth: self.stack.len(),
                line,
                child: None,
            };
            if empty {
                take_record(
                    g,
                    self.index,
                    self.name,
                    rec,
                    self.structures_eleve.as_deref(),
                );
            } else {
                self.record = Some(rec);
            }
        } else if element == "STRUCTURES_ELEVE" && !empty {
            self.structures_eleve = attributes(start)
                .into_iter()
                .find(|(k, _)| k == "ELEVE_ID")
                .and_then(|(_, v)| clean(&v));
        }
        if !empty {
            self.stack.push(element);
        }
        Ok(())
    }

    fn close(&mut self, g: &mut Gathered) {
        let Some(element) = self.stack.pop() else {
            return;
        };
        let depth = self.stack.len();
        match self.record.as_mut() {
            Some(rec) if rec.depth == depth => {
                if let Some(rec) = self.record.take() {
                    take_record(
                        g,
                        self.index,
                        self.name,
                        rec,
                        self.structures_eleve.as_deref(),
                    );
                }
            }
            Some(rec) if depth == rec.depth + 1 => {
                if let Some(child) = rec.child.take() {
                    rec.fields.push(child);
                }
            }
            Some(_) => {}
            None if element == "STRUCTURES_ELEVE" => self.structures_eleve = None,
            None => {}
        }
    }

    /// Text counts only directly inside a record's child element.
    fn wants_text(&self) -> bool {
        self.record
            .as_ref()
            .is_some_and(|rec| rec.child.is_some() && self.stack.len() == rec.depth + 2)
    }

    fn text(&mut self, s: &str) {
        if let Some(rec) = self.record.as_mut() {
            if self.stack.len() == rec.depth + 2 {
                if let Some((_, text)) = rec.child.as_mut() {
                    text.push_str(s);
                }
            }
        }
    }
}

fn element_name(start: &BytesStart) -> String {
    String::from_utf8_lossy(start.local_name().as_ref()).into_owned()
}

fn attributes(start: &BytesStart) -> Vec<(String, String)> {
    start
        .attributes()
        .flatten()
        .map(|a| {
            let key = String::from_utf8_lossy(a.key.local_name().as_ref()).into_owned();
            let value = a
                .unescape_value()
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| String::from_utf8_lossy(&a.value).into_owned());
            (key, value)
        })
        .collect()
}

/// Which record an element starts, by its parent, so that element order and unknown siblings
/// do not matter.
fn record_kind(stack: &[String], element: &str) -> Option<RecordKind> {
    let parent = stack.last()?.as_str();
    match (parent, element) {
        (_, "PARAMETRES") if stack.len() == 1 => Some(RecordKind::Parametres),
        ("ELEVES", "ELEVE") => Some(RecordKind::Eleve),
        ("STRUCTURES_ELEVE", "STRUCTURE") => Some(RecordKind::Structure),
        ("MEFS", "MEF") => Some(RecordKind::Mef),
        ("PERSONNES", "PERSONNE") => Some(RecordKind::Personne),
        // RESPONSABLE_ELEVE in the files seen, but any child of RESPONSABLES is a link.
        ("RESPONSABLES", _) => Some(RecordKind::Responsable),
        _ => None,
    }
}

fn describe_error(err: &quick_xml::Error) -> String {
    use quick_xml::errors::{IllFormedError, SyntaxError};
    match err {
        quick_xml::Error::Syntax(SyntaxError::UnclosedTag) => {
            "une balise n'est pas terminée (fichier tronqué ?)".to_owned()
        }
        quick_xml::Error::Syntax(SyntaxError::UnclosedComment) => {
            "un commentaire n'est pas terminé".to_owned()
        }
        quick_xml::Error::Syntax(SyntaxError::UnclosedCData) => {
            "une section CDATA n'est pas terminée".to_owned()
        }
        quick_xml::Error::Syntax(_) => "balise incomplète".to_owned(),
        quick_xml::Error::IllFormed(IllFormedError::MismatchedEndTag { expected, found }) => {
            format!("balise fermante </{found}> alors que <{expected}> est ouverte")
        }
        quick_xml::Error::IllFormed(IllFormedError::UnmatchedEndTag(found)) => {
            format!("balise fermante </{found}> sans balise ouvrante")
        }
        quick_xml::Error::IllFormed(IllFormedError::MissingEndTag(open)) => {
            format!("l'élément <{open}> n'est pas fermé")
        }
        quick_xml::Error::Escape(_) => "entité (&…;) inconnue ou mal écrite".to_owned(),
        quick_xml::Error::InvalidAttr(_) => "attribut mal écrit".to_owned(),
        other => other.to_string(),
    }
}

fn take_record(g: &mut Gathered, index: usize, file: &str, rec: RecordBuf, eleve: Option<&str>) {
    match rec.kind {
        RecordKind::Parametres => take_parametres(g, file, &rec),
        RecordKind::Eleve => take_eleve(g, index, file, &rec),
        RecordKind::Structure => take_structure(g, file, &rec, eleve),
        RecordKind::Mef => take_mef(g, file, &rec),
        RecordKind::Personne => take_personne(g, index, file, &rec),
        RecordKind::Responsable => take_responsable(g, file, &rec),
    }
}

fn take_parametres(g: &mut Gathered, file: &str, rec: &RecordBuf) {
    let location = rec.location(file);
    if let Some(uaj) = rec.field("UAJ") {
        let uaj = uaj.to_uppercase();
        if sesame_core::Uai::parse(&uaj).is_err() {
            g.plan.problems.push(Problem::warning(
                location.clone(),
                format!("L'UAJ « {uaj} » n'est pas un code UAI valide"),
            ));
        }
        match (&g.plan.uai, &g.plan.uai_location) {
            (Some(first), Some(first_at)) if *first != uaj => {
                let message = format!(
                    "Le fichier {file} concerne l'établissement {uaj}, alors que {} concerne \
                     l'établissement {first}",
                    first_at.file
                );
                g.plan
                    .problems
                    .push(Problem::fatal(location.clone(), message));
            }
            (Some(_), _) => {}
            (None, _) => {
                g.plan.uai = Some(uaj);
                g.plan.uai_location = Some(location.clone());
            }
        }
    }
    if let Some(year) = rec.field("ANNEE_SCOLAIRE") {
        match &g.plan.school_year {
            Some(first) if *first != year => {
                let first_file = g.school_year_file.clone().unwrap_or_default();
                g.plan.problems.push(Problem::warning(
                    location.clone(),
                    format!(
                        "Année scolaire {year}, alors que {first_file} porte sur l'année {first}"
                    ),
                ));
            }
            Some(_) => {}
            None => {
                g.plan.school_year = Some(year);
                g.school_year_file = Some(file.to_owned());
            }
        }
    }
    if let Some(stamp) = rec.field("HORODATAGE") {
        match text::parse_timestamp(&stamp) {
            // The plan is only as fresh as its oldest file.
            Some(at) => {
                if g.plan.exported_at.is_none_or(|current| at < current) {
                    g.plan.exported_at = Some(at);
                }
            }
            None => g.plan.problems.push(Problem::warning(
                location,
                format!("HORODATAGE « {stamp} » illisible (attendu JJ/MM/AAAA HH:MM:SS)"),
            )),
        }
    }
}

/// A date field: `None` and a warning when it cannot be read.
fn date_field(
    problems: &mut Vec<Problem>,
    rec: &RecordBuf,
    file: &str,
    field: &str,
    label: &str,
) -> Option<chrono::NaiveDate> {
    let value = rec.field(field)?;
    match text::parse_date(&value) {
        Ok(date) => date,
        Err(()) => {
            problems.push(Problem::warning(
                rec.location(file),
                format!("{label} « {value} » illisible (attendu JJ/MM/AAAA), ignorée"),
            ));
            None
        }
    }
}

fn take_eleve(g: &mut Gathered, index: usize, file: &str, rec: &RecordBuf) {
    let location = rec.location(file);
    let Some(id) = rec.attr("ELEVE_ID") else {
        g.plan
            .problems
            .push(Problem::warning(location, "Élève sans ELEVE_ID, ignoré"));
        return;
    };
    let family = rec.field("NOM_DE_FAMILLE").or_else(|| rec.field("NOM"));
    let first = rec.field("PRENOM");
    let (Some(family_name), Some(first_name)) = (family, first) else {
        g.plan.problems.push(Problem::warning(
            location,
            "Élève sans nom de famille ou sans prénom, ignoré",
        ));
        g.skipped_students.insert(id);
        return;
    };
    if let Some(&(_, first_file)) = g.students.get(&id) {
        // The same student in ElevesSansAdresses and ElevesAvecAdresses is expected.
        if first_file == index {
            g.plan.problems.push(Problem::warning(
                location,
                format!("ELEVE_ID {id} figure deux fois, seule la première fiche est retenue"),
            ));
        }
        return;
    }
    let usage_name = rec
        .field("NOM_USAGE")
        .filter(|usage| !text::same_name(usage, &family_name));
    let birth_date = date_field(
        &mut g.plan.problems,
        rec,
        file,
        "DATE_NAISS",
        "Date de naissance",
    );
    let left_on = date_field(
        &mut g.plan.problems,
        rec,
        file,
        "DATE_SORTIE",
        "Date de sortie",
    );
    let student = StudentRecord {
        source_id: id.clone(),
        ine: rec.field("ID_NATIONAL").map(|ine| ine.to_uppercase()),
        family_name,
        usage_name,
        first_name,
        birth_date,
        class_code: None,
        groups: Vec::new(),
        mef_code: rec.field("CODE_MEF"),
        left_on,
        location,
    };
    g.students.insert(id, (g.plan.students.len(), index));
    g.plan.students.push(student);
}

fn take_structure(g: &mut Gathered, file: &str, rec: &RecordBuf, eleve: Option<&str>) {
    let (Some(eleve_id), Some(code)) = (eleve, rec.field("CODE_STRUCTURE")) else {
        return;
    };
    g.structures.push(Structure {
        eleve_id: eleve_id.to_owned(),
        code,
        kind: rec.field("TYPE_STRUCTURE").unwrap_or_default(),
        location: Location {
            element: Some(format!("STRUCTURES_ELEVE ELEVE_ID={eleve_id}")),
            ..rec.location(file)
        },
    });
}

fn take_mef(g: &mut Gathered, file: &str, rec: &RecordBuf) {
    let Some(code) = rec.attr("CODE_MEF") else {
        g.plan.problems.push(Problem::warning(
            rec.location(file),
            "MEF sans CODE_MEF, ignoré",
        ));
        return;
    };
    if !g.mefs.insert(code.clone()) {
        return;
    }
    let formation = rec.field("FORMATION");
    let long_label = rec
        .field("LIBELLE_LONG")
        .or_else(|| formation.clone())
        .unwrap_or_else(|| code.clone());
    let short_label = rec
        .field("LIBELLE_EDITION")
        .or_else(|| formation.clone())
        .unwrap_or_else(|| long_label.clone());
    // FORMATION is the level ("3EME"); without it the long label starts with it.
    let level = formation.unwrap_or_else(|| {
        long_label
            .split_whitespace()
            .next()
            .unwrap_or_default()
            .to_owned()
    });
    g.plan.mefs.push(MefRecord {
        code,
        short_label,
        long_label,
        level,
    });
}

fn take_personne(g: &mut Gathered, index: usize, file: &str, rec: &RecordBuf) {
    let location = rec.location(file);
    let Some(id) = rec.attr("PERSONNE_ID") else {
        g.plan.problems.push(Problem::warning(
            location,
            "Responsable sans PERSONNE_ID, ignoré",
        ));
        return;
    };
    let family = rec.field("NOM_DE_FAMILLE").or_else(|| rec.field("NOM"));
    let (Some(family_name), Some(first_name)) = (family, rec.field("PRENOM")) else {
        g.plan.problems.push(Problem::warning(
            location,
            "Responsable sans nom de famille ou sans prénom, ignoré",
        ));
        g.skipped_guardians.insert(id);
        return;
    };
    if let Some(&(_, first_file)) = g.guardians.get(&id) {
        if first_file == index {
            g.plan.problems.push(Problem::warning(
                location,
                format!("PERSONNE_ID {id} figure deux fois, seule la première fiche est retenue"),
            ));
        }
        return;
    }
    let email = match text::email(&rec.field("MEL").unwrap_or_default()) {
        Ok(email) => email,
        Err(bad) => {
            g.plan.problems.push(Problem::warning(
                location.clone(),
                format!("Adresse électronique « {bad} » invalide, ignorée"),
            ));
            None
        }
    };
    let mut phone = None;
    for field in ["TEL_PORTABLE", "TEL_PERSONNEL"] {
        match text::phone(&rec.field(field).unwrap_or_default()) {
            Ok(Some(number)) => {
                phone = Some(number);
                break;
            }
            Ok(None) => {}
            Err(bad) => g.plan.problems.push(Problem::warning(
                location.clone(),
                format!("Numéro de téléphone « {bad} » ({field}) invalide, ignoré"),
            )),
        }
    }
    let usage_name = rec
        .field("NOM_USAGE")
        .filter(|usage| !text::same_name(usage, &family_name));
    let guardian = GuardianRecord {
        source_id: id.clone(),
        family_name,
        usage_name,
        first_name,
        civility: rec.field("LC_CIVILITE").and_then(|c| text::civility(&c)),
        email,
        phone,
        location,
    };
    g.guardians.insert(id, (g.plan.guardians.len(), index));
    g.plan.guardians.push(guardian);
}

fn take_responsable(g: &mut Gathered, file: &str, rec: &RecordBuf) {
    let location = rec.location(file);
    let (Some(student), Some(guardian)) = (rec.field("ELEVE_ID"), rec.field("PERSONNE_ID")) else {
        g.plan.problems.push(Problem::warning(
            location,
            "Lien responsable-élève sans ELEVE_ID ou sans PERSONNE_ID, ignoré",
        ));
        return;
    };
    let legal = matches!(rec.field("RESP_LEGAL").as_deref(), Some("1" | "2"));
    g.links.push(LinkRecord {
        student_source_id: student,
        guardian_source_id: guardian,
        relationship: relationship(rec.field("CODE_PARENTE").as_deref()),
        legal,
        location,
    });
}

/// SIECLE's CODE_PARENTE as a French label. The codes are those of the national
/// nomenclature (LIENS_PARENTE) as public importers use them; an unknown code is kept
/// visible rather than guessed.
pub fn relationship(code: Option<&str>) -> String {
    let Some(code) = code else {
        return "Non renseigné".to_owned();
    };
    match code {
        "10" => "Mère",
        "20" => "Père",
        "30" => "Autre membre de la famille",
        "37" => "Frère ou sœur",
        "38" => "Grand-parent",
        "39" => "Autre lien",
        "41" => "Éducateur",
        "42" => "Assistant familial",
        "50" => "Tuteur",
        "51" => "Aide sociale à l'enfance",
        "70" => "Élève lui-même",
        "90" => "Autre lien",
        other => return format!("Autre lien (code {other})"),
    }
    .to_owned()
}

fn finish(mut g: Gathered) -> ImportPlan {
    let plan = &mut g.plan;
    plan.full_export = g.has_eleves;
    // (student, group) pairs already given: a scan of the student's groups per STRUCTURE
    // element would be quadratic for a student with many groups.
    let mut grouped: HashSet<(usize, String)> = HashSet::new();
    for s in g.structures {
        let Some(&(i, _)) = g.students.get(&s.eleve_id) else {
            if g.has_eleves && !g.skipped_students.contains(&s.eleve_id) {
                plan.problems.push(Problem::warning(
                    s.location,
                    format!(
                        "Structure {} d'un élève inconnu (ELEVE_ID {})",
                        s.code, s.eleve_id
                    ),
                ));
            }
            continue;
        };
        let student = &mut plan.students[i];
        match s.kind.as_str() {
            "D" => match &student.class_code {
                None => student.class_code = Some(s.code),
                Some(class) if *class == s.code => {}
                Some(class) => {
                    let message = format!(
                        "L'élève est dans deux divisions ({class} et {}), seule la première est \
                         retenue",
                        s.code
                    );
                    plan.problems.push(Problem::warning(s.location, message));
                }
            },
            "G" if grouped.insert((i, s.code.clone())) => student.groups.push(s.code),
            _ => {}
        }
    }
    let mut seen: HashMap<(String, String), usize> = HashMap::new();
    for link in g.links {
        if g.skipped_guardians.contains(&link.guardian_source_id)
            || g.skipped_students.contains(&link.student_source_id)
        {
            continue;
        }
        if !g.guardians.contains_key(&link.guardian_source_id) {
            let message = format!(
                "Lien vers un responsable inconnu (PERSONNE_ID {}), ignoré",
                link.guardian_source_id
            );
            plan.problems.push(Problem::warning(link.location, message));
            continue;
        }
        if g.has_eleves && !g.students.contains_key(&link.student_source_id) {
            let message = format!(
                "Lien vers un élève absent du fichier des élèves (ELEVE_ID {}), ignoré",
                link.student_source_id
            );
            plan.problems.push(Problem::warning(link.location, message));
            continue;
        }
        let key = (
            link.student_source_id.clone(),
            link.guardian_source_id.clone(),
        );
        match seen.get(&key) {
            // A pair listed twice keeps its first entry, legal if either says so.
            Some(&i) => plan.links[i].legal |= link.legal,
            None => {
                seen.insert(key, plan.links.len());
                plan.links.push(link);
            }
        }
    }
    g.plan
}

/// Reads a SIECLE file's root element name without parsing the rest, e.g. to route uploads.
pub fn root_element(bytes: &[u8]) -> Option<String> {
    let encoding = text::xml_encoding(bytes).ok()?;
    let mut reader = Reader::from_reader(text::utf8_lines(bytes, encoding));
    first_element(&mut reader)
}

fn first_element<R: BufRead>(reader: &mut Reader<LineCounter<R>>) -> Option<String> {
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf).ok()? {
            Event::Start(start) | Event::Empty(start) => return Some(element_name(&start)),
            Event::Eof => return None,
            _ => buf.clear(),
        }
    }
}
