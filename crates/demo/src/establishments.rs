//! The four demo establishments, their MEFs and classes. Labels follow the seed's screenshots
//! (001 §3.3, §3.5, §5.3): short MEF labels such as `2NDPRO` shared by several MEFs whose long
//! labels differ, and class codes as schools really type them (`2 nde AGORA`, `CT BCP cor`).

use std::collections::HashMap;

use rand_chacha::ChaCha8Rng;

use super::seed;
use super::Rows;
use super::{LP_UAI, PRIMARY_SCHOOL_UAI, PRIVATE_COLLEGE_UAI, PUBLIC_COLLEGE_UAI};
use sesame_store::entities::{class, establishment, mef};

pub(super) struct EstablishmentSpec {
    pub uai: &'static str,
    pub name: &'static str,
    pub kind: &'static str,
    pub degree: i32,
    pub sector: &'static str,
    pub academy: &'static str,
    pub private_admin_group: bool,
    /// How the academy is named on data-source rows (« Source SIECLE Académie de Reims »).
    pub source_academy: &'static str,
    pub mefs: &'static [MefSpec],
    pub classes: &'static [ClassSpec],
}

pub(super) struct MefSpec {
    pub code: &'static str,
    pub short_label: &'static str,
    pub long_label: &'static str,
    pub level: &'static str,
}

pub(super) struct ClassSpec {
    pub code: &'static str,
    pub mef: &'static str,
    pub size: usize,
    /// Birth year of a pupil who never repeated a year.
    pub birth_year: i32,
    /// Years already spent in the establishment (0 for an entry level): when the pupil's
    /// account was created and first notified.
    pub years_here: i32,
}

const fn c(
    code: &'static str,
    mef: &'static str,
    size: usize,
    birth_year: i32,
    years_here: i32,
) -> ClassSpec {
    ClassSpec {
        code,
        mef,
        size,
        birth_year,
        years_here,
    }
}

const fn m(
    code: &'static str,
    short_label: &'static str,
    long_label: &'static str,
    level: &'static str,
) -> MefSpec {
    MefSpec {
        code,
        short_label,
        long_label,
        level,
    }
}

const LP_MEFS: &[MefSpec] = &[
    m(
        "24724000110",
        "2NDPRO",
        "2NDPRO MET.GEST.ADM., TRA & LOG. COMM.",
        "2NDPRO",
    ),
    m(
        "24722100110",
        "2NDPRO",
        "2NDPRO MET. HOTELLERIE-RESTAURATION",
        "2NDPRO",
    ),
    m(
        "24731200110",
        "2NDPRO",
        "2NDPRO METIERS DE LA RELATION CLIENT",
        "2NDPRO",
    ),
    m(
        "24632404210",
        "1ERPRO",
        "1ERPRO ASSISTANC.GEST.ORGANIS.ACTIVITES",
        "1ERPRO",
    ),
    m("24622104210", "1ERPRO", "1ERPRO CUISINE", "1ERPRO"),
    m(
        "24622105210",
        "1ERPRO",
        "1ERPRO COMMERCIALIS.SERVICES RESTAURATION",
        "1ERPRO",
    ),
    m(
        "24631203210",
        "1ERPRO",
        "1ERPRO METIERS COMMERCE VENTE OPT.A ANIM.GEST.ESP.COM",
        "1ERPRO",
    ),
    m(
        "24631204210",
        "1ERPRO",
        "1ERPRO METIERS COMMERCE VENTE OPT.B PROSP.CLIENT.",
        "1ERPRO",
    ),
    m(
        "24732404210",
        "TLEPRO",
        "TLEPRO ASSISTANC.GEST.ORGANIS.ACTIVITES",
        "TLEPRO",
    ),
    m("24722104210", "TLEPRO", "TLEPRO CUISINE", "TLEPRO"),
    m(
        "24722105210",
        "TLEPRO",
        "TLEPRO COMMERCIALIS.SERVICES RESTAURATION",
        "TLEPRO",
    ),
    m(
        "24731203210",
        "TLEPRO",
        "TLEPRO METIERS COMMERCE VENTE OPT.A ANIM.GEST.ESP.COM",
        "TLEPRO",
    ),
    m(
        "24731204210",
        "TLEPRO",
        "TLEPRO METIERS COMMERCE VENTE OPT.B PROSP.CLIENT.",
        "TLEPRO",
    ),
    m(
        "24531206210",
        "1CAP2",
        "1CAP2 EQUIPIER POLYVALENT DU COMMERCE",
        "1CAP2",
    ),
    m(
        "24631206210",
        "2CAP2",
        "2CAP2 EQUIPIER POLYVALENT DU COMMERCE",
        "2CAP2",
    ),
    m("32031209110", "1BTS2", "1ère année BTS", "1BTS2"),
    m("32131209110", "2BTS2", "2ème année BTS", "2BTS2"),
];

/// 496 pupils, the seed's count (001 §6).
const LP_CLASSES: &[ClassSpec] = &[
    c("2 nde AGORA", "24724000110", 30, 2011, 0),
    c("2 nde AGORA B", "24724000110", 29, 2011, 0),
    c("2NDE HOTELLERIE REST.", "24722100110", 30, 2011, 0),
    c("2 nde MRC A", "24731200110", 28, 2011, 0),
    c("2 nde MRC B", "24731200110", 27, 2011, 0),
    c("1 AGORA", "24632404210", 27, 2010, 1),
    c("1 AGORA B", "24632404210", 26, 2010, 1),
    c("1 CUISINE", "24622104210", 16, 2010, 1),
    c("1 CSR", "24622105210", 14, 2010, 1),
    c("1 MCV A", "24631203210", 25, 2010, 1),
    c("1 MCV B", "24631204210", 24, 2010, 1),
    c("T AGORA", "24732404210", 26, 2009, 2),
    c("T AGORA B", "24732404210", 25, 2009, 2),
    c("CT BCP cor", "24722104210", 15, 2009, 2),
    c("T CSR", "24722105210", 13, 2009, 2),
    c("T MCV A", "24731203210", 24, 2009, 2),
    c("T MCV B", "24731204210", 23, 2009, 2),
    c("1CAP EPC", "24531206210", 20, 2011, 0),
    c("2CAP EPC", "24631206210", 18, 2010, 1),
    c("1BTS2", "32031209110", 30, 2008, 0),
    c("2BTS2", "32131209110", 26, 2007, 1),
];

const COLLEGE_MEFS: &[MefSpec] = &[
    m("10010012110", "6EME", "6EME", "6EME"),
    m("10110001110", "5EME", "5EME", "5EME"),
    m("10210001110", "4EME", "4EME", "4EME"),
    m("10310019110", "3EME", "3EME", "3EME"),
];

/// 600 pupils in twenty classes of 28 to 32.
const PUBLIC_COLLEGE_CLASSES: &[ClassSpec] = &[
    c("6EME1", "10010012110", 30, 2015, 0),
    c("6EME2", "10010012110", 29, 2015, 0),
    c("6EME3", "10010012110", 31, 2015, 0),
    c("6EME4", "10010012110", 30, 2015, 0),
    c("6EME5", "10010012110", 28, 2015, 0),
    c("5EME1", "10110001110", 30, 2014, 1),
    c("5EME2", "10110001110", 31, 2014, 1),
    c("5EME3", "10110001110", 29, 2014, 1),
    c("5EME4", "10110001110", 30, 2014, 1),
    c("5EME5", "10110001110", 30, 2014, 1),
    c("4EME1", "10210001110", 29, 2013, 2),
    c("4EME2", "10210001110", 30, 2013, 2),
    c("4EME3", "10210001110", 31, 2013, 2),
    c("4EME4", "10210001110", 30, 2013, 2),
    c("4EME5", "10210001110", 30, 2013, 2),
    c("3EME1", "10310019110", 32, 2012, 3),
    c("3EME2", "10310019110", 30, 2012, 3),
    c("3EME3", "10310019110", 29, 2012, 3),
    c("3EME4", "10310019110", 30, 2012, 3),
    c("3EME5", "10310019110", 31, 2012, 3),
];

/// 150 pupils.
const PRIVATE_COLLEGE_CLASSES: &[ClassSpec] = &[
    c("6EME A", "10010012110", 26, 2015, 0),
    c("6EME B", "10010012110", 25, 2015, 0),
    c("5EME A", "10110001110", 27, 2014, 1),
    c("4EME A", "10210001110", 24, 2013, 2),
    c("3EME A", "10310019110", 24, 2012, 3),
    c("3EME B", "10310019110", 24, 2012, 3),
];

pub(super) const LP: EstablishmentSpec = EstablishmentSpec {
    uai: LP_UAI,
    name: "LP LYC METIER Auguste Rodin",
    kind: "lp",
    degree: 2,
    sector: "public",
    academy: "Orléans-Tours",
    private_admin_group: false,
    source_academy: "Académie d'Orléans-Tours",
    mefs: LP_MEFS,
    classes: LP_CLASSES,
};

pub(super) const PUBLIC_COLLEGE: EstablishmentSpec = EstablishmentSpec {
    uai: PUBLIC_COLLEGE_UAI,
    name: "CLG Jean Zay",
    kind: "college",
    degree: 2,
    sector: "public",
    academy: "Orléans-Tours",
    private_admin_group: false,
    source_academy: "Académie d'Orléans-Tours",
    mefs: COLLEGE_MEFS,
    classes: PUBLIC_COLLEGE_CLASSES,
};

pub(super) const PRIVATE_COLLEGE: EstablishmentSpec = EstablishmentSpec {
    uai: PRIVATE_COLLEGE_UAI,
    name: "CLG PRIVE Saint-Charles",
    kind: "college",
    degree: 2,
    sector: "private",
    academy: "Orléans-Tours",
    // Declared in the private establishments' group, so its head gets the admin module.
    private_admin_group: true,
    source_academy: "Académie d'Orléans-Tours",
    mefs: COLLEGE_MEFS,
    classes: PRIVATE_COLLEGE_CLASSES,
};

/// Only its ENT directory is in the demo: first-degree accounts are not administered here.
pub(super) const PRIMARY_SCHOOL: EstablishmentSpec = EstablishmentSpec {
    uai: PRIMARY_SCHOOL_UAI,
    name: "E.E.PU-FOURIER I-BESANCON",
    kind: "ecole",
    degree: 1,
    sector: "public",
    academy: "Besançon",
    private_admin_group: false,
    source_academy: "Académie de Besançon",
    mefs: &[],
    classes: &[],
};

pub(super) const ALL: [&EstablishmentSpec; 4] =
    [&LP, &PUBLIC_COLLEGE, &PRIVATE_COLLEGE, &PRIMARY_SCHOOL];

/// The ids given to one establishment's MEFs and classes, for the pupils placed in them.
pub(super) struct Structure {
    /// MEF code → id.
    pub mef_ids: HashMap<&'static str, String>,
    /// Class code → id.
    pub class_ids: HashMap<&'static str, String>,
}

pub(super) fn establishments(rows: &mut Rows) {
    for e in ALL {
        rows.establishments.push(establishment::Model {
            uai: e.uai.to_owned(),
            name: e.name.to_owned(),
            kind: e.kind.to_owned(),
            degree: e.degree,
            sector: e.sector.to_owned(),
            academy: e.academy.to_owned(),
            private_admin_group: e.private_admin_group,
            // The home page shows when ÉduConnect last received the school's data; the
            // primary school has no accounts here, so nothing was received for it.
            data_updated_at: (e.degree == 2).then(seed::data_updated_at),
            created_at: seed::at(2026, 6, 15, 8, 0),
        });
    }
}

pub(super) fn structure(
    rows: &mut Rows,
    rng: &mut ChaCha8Rng,
    spec: &EstablishmentSpec,
) -> Structure {
    let mut mef_ids = HashMap::new();
    for mef_spec in spec.mefs {
        let id = seed::id(rng);
        rows.mefs.push(mef::Model {
            id: id.clone(),
            uai: spec.uai.to_owned(),
            code: mef_spec.code.to_owned(),
            short_label: mef_spec.short_label.to_owned(),
            long_label: mef_spec.long_label.to_owned(),
            level: mef_spec.level.to_owned(),
        });
        mef_ids.insert(mef_spec.code, id);
    }
    let mut class_ids = HashMap::new();
    for class_spec in spec.classes {
        let id = seed::id(rng);
        rows.classes.push(class::Model {
            id: id.clone(),
            uai: spec.uai.to_owned(),
            code: class_spec.code.to_owned(),
            mef_id: Some(mef_ids[class_spec.mef].clone()),
        });
        class_ids.insert(class_spec.code, id);
    }
    Structure { mef_ids, class_ids }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_sizes_add_up_to_the_announced_populations() {
        let total = |s: &EstablishmentSpec| s.classes.iter().map(|c| c.size).sum::<usize>();
        assert_eq!(total(&LP), 496);
        assert_eq!(total(&PUBLIC_COLLEGE), 600);
        assert_eq!(total(&PRIVATE_COLLEGE), 150);
    }

    #[test]
    fn every_class_names_a_mef_of_its_establishment() {
        for e in ALL {
            for class in e.classes {
                assert!(e.mefs.iter().any(|m| m.code == class.mef), "{}", class.code);
            }
        }
    }

    #[test]
    fn uais_are_valid() {
        for e in ALL {
            assert!(sesame_core::uai::Uai::parse(e.uai).is_ok(), "{}", e.uai);
        }
    }
}
