//! Realistic SIECLE exports of any size, for benchmarks and tests: ElevesSansAdresses,
//! ResponsablesAvecAdresses and Nomenclature, ISO-8859-15 encoded as SIECLE writes them,
//! with the elements an importer must skip (addresses, options, subjects…).

use std::fmt::Write;

use crate::plan::InputFile;

const FAMILY_NAMES: &[&str] = &[
    "Martin",
    "Bernard",
    "Dubois",
    "Le Gall-Nguyen",
    "N'Diaye",
    "Lefèvre",
    "Cœurdacier",
    "Moreau",
    "Girard",
    "Mercier",
    "Faure",
    "Rousseau",
    "Da Silva",
    "Benoît",
    "Lemaître",
    "Gauthier",
    "Perrin",
    "Boyer",
    "Hoarau",
    "Müller",
];
const FIRST_NAMES: &[&str] = &[
    "Éloïse",
    "Léa",
    "Chloé",
    "Inès",
    "Zoé",
    "Anaïs",
    "Maëlle",
    "Noémie",
    "Hugo",
    "Théo",
    "Raphaël",
    "Noé",
    "Jérôme",
    "François",
    "Loïc",
    "Gaëtan",
    "Adèle",
    "Céline",
    "Joël",
    "Aïcha",
];
const MEFS: &[(&str, &str, &str, &str)] = &[
    ("10010012110", "6EME", "6EME BILANGUE", "6e"),
    ("10110001110", "5EME", "5EME", "5e"),
    ("10210001110", "4EME", "4EME", "4e"),
    ("10310019110", "3EME", "3EME", "3e"),
];

/// A deterministic generator, so a benchmark always parses the same bytes.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.next() % items.len()]
    }
}

/// The id of the `n`th student (0-based) in a generated export.
pub fn student_id(n: usize) -> String {
    format!("{}", 1_000_000 + n)
}

/// The id of guardian `g` of the `n`th student in a generated export.
pub fn guardian_id(n: usize, g: usize, guardians_per_student: usize) -> String {
    format!("{}", 5_000_000 + n * guardians_per_student + g)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
}

/// Text as SIECLE stores it; every generated character exists in ISO-8859-15.
pub fn latin9(text: &str) -> Vec<u8> {
    encoding_rs::ISO_8859_15.encode(text).0.into_owned()
}

fn prolog(root: &str, uai: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"ISO-8859-15\"?>\n<{root} VERSION=\"3.6\">\n  \
         <PARAMETRES>\n    <UAJ>{uai}</UAJ>\n    <ANNEE_SCOLAIRE>2025</ANNEE_SCOLAIRE>\n    \
         <DATE_EXPORT>01/09/2025</DATE_EXPORT>\n    <HORODATAGE>01/09/2025 07:45:12</HORODATAGE>\n  \
         </PARAMETRES>\n  <DONNEES>\n"
    )
}

/// Every student has `guardians_per_student` guardians of their own: the first two legal
/// (mother, father), the others contacts. Files are named as SIECLE names them.
pub fn generate_siecle_export(
    students: usize,
    guardians_per_student: usize,
    uai: &str,
) -> Vec<InputFile> {
    let mut rng = Lcg(0x5e5a_3e00);
    let mut eleves = prolog("BEE_ELEVES", uai);
    let mut structures = String::from("    <STRUCTURES>\n");
    eleves.push_str("    <ELEVES>\n");
    let mut families = Vec::with_capacity(students);
    for n in 0..students {
        let family = rng.pick(FAMILY_NAMES);
        families.push(family);
        let first = rng.pick(FIRST_NAMES);
        let (code_mef, ..) = MEFS[n % MEFS.len()];
        let level = 6 - (n % MEFS.len());
        let class = format!("{level}{}", (b'A' + (rng.next() % 5) as u8) as char);
        let day = 1 + rng.next() % 28;
        let month = 1 + rng.next() % 12;
        let year = 2009 + n % MEFS.len();
        let id = student_id(n);
        let _ = write!(
            eleves,
            "      <ELEVE ELEVE_ID=\"{id}\" ELENOET=\"{}\">\n        \
             <ID_NATIONAL>{:09}{}{}</ID_NATIONAL>\n        <ELENOET>{}</ELENOET>\n        \
             <NOM_DE_FAMILLE>{}</NOM_DE_FAMILLE>\n        <NOM_USAGE>{}</NOM_USAGE>\n        \
             <PRENOM>{}</PRENOM>\n        <PRENOM2>Marie</PRENOM2>\n        \
             <DATE_NAISS>{day:02}/{month:02}/{year}</DATE_NAISS>\n        \
             <CODE_SEXE>{}</CODE_SEXE>\n        <CODE_MEF>{code_mef}</CODE_MEF>\n        \
             <DATE_ENTREE>02/09/2024</DATE_ENTREE>\n        <CODE_REGIME>2</CODE_REGIME>\n        \
             <SCOLARITE_AN_DERNIER>\n          <CODE_MEF>{code_mef}</CODE_MEF>\n          \
             <CODE_RNE>{uai}</CODE_RNE>\n        </SCOLARITE_AN_DERNIER>\n      </ELEVE>\n",
            5000 + n,
            100_000_000 + n,
            (b'A' + (n % 23) as u8) as char,
            (b'A' + (n % 19) as u8) as char,
            5000 + n,
            escape(family),
            escape(family),
            escape(first),
            1 + n % 2,
        );
        let _ = write!(
            structures,
            "      <STRUCTURES_ELEVE ELEVE_ID=\"{id}\">\n        <STRUCTURE>\n          \
             <CODE_STRUCTURE>{class}</CODE_STRUCTURE>\n          \
             <TYPE_STRUCTURE>D</TYPE_STRUCTURE>\n        </STRUCTURE>\n        <STRUCTURE>\n          \
             <CODE_STRUCTURE>{level}LAT</CODE_STRUCTURE>\n          \
             <TYPE_STRUCTURE>G</TYPE_STRUCTURE>\n        </STRUCTURE>\n      </STRUCTURES_ELEVE>\n"
        );
    }
    eleves.push_str("    </ELEVES>\n    <OPTIONS>\n      <OPTION ELEVE_ID=\"1000000\">\n        <OPTIONS_ELEVE><CODE_MATIERE>020100</CODE_MATIERE></OPTIONS_ELEVE>\n      </OPTION>\n    </OPTIONS>\n");
    structures.push_str("    </STRUCTURES>\n");
    eleves.push_str(&structures);
    eleves.push_str("  </DONNEES>\n</BEE_ELEVES>\n");

    let mut responsables = prolog("BEE_RESPONSABLES", uai);
    let mut links = String::from("    <RESPONSABLES>\n");
    let mut addresses = String::from("    <ADRESSES>\n");
    responsables.push_str("    <PERSONNES>\n");
    for (n, family) in families.iter().enumerate() {
        for g in 0..guardians_per_student {
            let id = guardian_id(n, g, guardians_per_student);
            let mother = g % 2 == 0;
            let first = rng.pick(FIRST_NAMES);
            let family = if g == 0 { "Rivière" } else { family };
            let mail_name = sesame_core::fold_name(first);
            let _ = write!(
                responsables,
                "      <PERSONNE PERSONNE_ID=\"{id}\">\n        <NOM_DE_FAMILLE>{}</NOM_DE_FAMILLE>\n        \
                 <NOM_USAGE>{}</NOM_USAGE>\n        <PRENOM>{}</PRENOM>\n        \
                 <LC_CIVILITE>{}</LC_CIVILITE>\n        <TEL_PERSONNEL>01 23 45 {:02} {:02}</TEL_PERSONNEL>\n        \
                 <TEL_PORTABLE>06 {:02} {:02} {:02} {:02}</TEL_PORTABLE>\n        \
                 <MEL>{mail_name}.{id}@example.org</MEL>\n        <ADRESSE_ID>{}</ADRESSE_ID>\n      \
                 </PERSONNE>\n",
                escape(family),
                escape(family),
                escape(first),
                if mother { "MME" } else { "M." },
                n % 100,
                g,
                n % 100,
                (n / 100) % 100,
                g,
                rng.next() % 100,
                9_000_000 + n,
            );
            let (legal, code) = match g {
                0 => (1, "10"),
                1 => (2, "20"),
                _ => (0, "30"),
            };
            let _ = write!(
                links,
                "      <RESPONSABLE_ELEVE>\n        <ELEVE_ID>{}</ELEVE_ID>\n        \
                 <PERSONNE_ID>{id}</PERSONNE_ID>\n        <RESP_LEGAL>{legal}</RESP_LEGAL>\n        \
                 <CODE_PARENTE>{code}</CODE_PARENTE>\n        <RESP_FINANCIER>{}</RESP_FINANCIER>\n        \
                 <PERS_PAIMENT>0</PERS_PAIMENT>\n        <PERS_CONTACT>1</PERS_CONTACT>\n      \
                 </RESPONSABLE_ELEVE>\n",
                student_id(n),
                u8::from(g == 0),
            );
        }
        let _ = write!(
            addresses,
            "      <ADRESSE ADRESSE_ID=\"{}\">\n        <LIGNE1_ADRESSE>{} rue de la Fontaine-Saint-Éloi</LIGNE1_ADRESSE>\n        \
             <CODE_POSTAL>45000</CODE_POSTAL>\n        <LL_PAYS>FRANCE</LL_PAYS>\n        \
             <LIBELLE_POSTAL>ORLÉANS</LIBELLE_POSTAL>\n      </ADRESSE>\n",
            9_000_000 + n,
            1 + n % 120,
        );
    }
    responsables.push_str("    </PERSONNES>\n");
    links.push_str("    </RESPONSABLES>\n");
    addresses.push_str("    </ADRESSES>\n");
    responsables.push_str(&links);
    responsables.push_str(&addresses);
    responsables.push_str("  </DONNEES>\n</BEE_RESPONSABLES>\n");

    let mut nomenclature = prolog("BEE_NOMENCLATURES", uai);
    nomenclature.push_str("    <MEFS>\n");
    for (code, formation, long, edition) in MEFS {
        let _ = write!(
            nomenclature,
            "      <MEF CODE_MEF=\"{code}\">\n        <FORMATION>{formation}</FORMATION>\n        \
             <LIBELLE_LONG>{long}</LIBELLE_LONG>\n        <LIBELLE_EDITION>{edition}</LIBELLE_EDITION>\n        \
             <CODE_MEFSTAT>21110010000</CODE_MEFSTAT>\n        <MEF_RATTACHEMENT>{code}</MEF_RATTACHEMENT>\n      \
             </MEF>\n"
        );
    }
    nomenclature.push_str(
        "    </MEFS>\n    <MATIERES>\n      <MATIERE CODE_MATIERE=\"020100\">\n        \
         <CODE_GESTION>FRANC</CODE_GESTION>\n        <LIBELLE_COURT>FRANÇAIS</LIBELLE_COURT>\n      \
         </MATIERE>\n    </MATIERES>\n  </DONNEES>\n</BEE_NOMENCLATURES>\n",
    );

    vec![
        InputFile::new("ElevesSansAdresses.xml", latin9(&eleves)),
        InputFile::new("ResponsablesAvecAdresses.xml", latin9(&responsables)),
        InputFile::new("Nomenclature.xml", latin9(&nomenclature)),
    ]
}

/// A SIECLE Nomenclature (BEE_NOMENCLATURES) with `mefs` distinct MEF codes, each element
/// about 210 bytes: 300,000 codes make a 64 MB file. No school has more
/// than a few hundred; this is what a benchmark of a hostile or broken file sends.
pub fn generate_nomenclature(mefs: usize, uai: &str) -> InputFile {
    let mut xml = prolog("BEE_NOMENCLATURES", uai);
    xml.reserve(mefs * 220);
    xml.push_str("    <MEFS>\n");
    for n in 0..mefs {
        let code = format!("{:011}", 10_000_000_000u64 + n as u64);
        let _ = writeln!(
            xml,
            "<MEF CODE_MEF=\"{code}\"><FORMATION>F{n}</FORMATION>\
             <LIBELLE_LONG>FORMATION {n}</LIBELLE_LONG><LIBELLE_EDITION>f{n}</LIBELLE_EDITION>\
             <CODE_MEFSTAT>21110010000</CODE_MEFSTAT>\
             <RANG>{n}</RANG></MEF>"
        );
    }
    xml.push_str("    </MEFS>\n  </DONNEES>\n</BEE_NOMENCLATURES>\n");
    InputFile::new("Nomenclature.xml", latin9(&xml))
}
