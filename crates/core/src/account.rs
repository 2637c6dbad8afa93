//! What an ÉduConnect account is: its kind, state, origin, and the populations the console
//! administers.

use crate::wire::wire_enum;

wire_enum! {
    /// Whose account it is.
    pub enum AccountKind ("le type de compte") {
        Student = "student",
        Guardian = "guardian",
    }
}

impl AccountKind {
    pub fn label(&self) -> &'static str {
        match self {
            AccountKind::Student => "Élève",
            AccountKind::Guardian => "Responsable",
        }
    }
}

wire_enum! {
    /// Where an account stands in its distribution and activation.
    pub enum AccountState ("l'état du compte") {
        NotNotified = "not_notified",
        NotifiedNotActivated = "notified_not_activated",
        /// Guardians only: self-registration started but not confirmed.
        ActivationInProgress = "activation_in_progress",
        Activated = "activated",
    }
}

impl AccountState {
    /// The label of search screens and account details.
    pub fn label(&self) -> &'static str {
        match self {
            AccountState::NotNotified => "Non notifié",
            AccountState::NotifiedNotActivated => "Notifié et non activé",
            AccountState::ActivationInProgress => "En cours d’activation",
            AccountState::Activated => "Activé",
        }
    }

    /// Said of several accounts, after « comptes »: the statistics' columns (« Nombre de
    /// comptes non notifiés ») and the names of their links.
    pub fn plural_label(&self) -> &'static str {
        match self {
            AccountState::NotNotified => "non notifiés",
            AccountState::NotifiedNotActivated => "notifiés et non activés",
            AccountState::ActivationInProgress => "en cours d’activation",
            AccountState::Activated => "activés",
        }
    }

    /// The label of the "État du compte" column in PDF and CSV lists (seed 001 §3.3, §5.3).
    pub fn list_label(&self) -> &'static str {
        match self {
            AccountState::NotNotified => "Compte non notifié",
            AccountState::NotifiedNotActivated => "Compte notifié et non activé",
            AccountState::ActivationInProgress => "Compte en cours d'activation",
            AccountState::Activated => "Compte activé",
        }
    }

    /// The colour of the state dot. The seed's screenshots give a distinct dot to "En cours
    /// d'activation"; orange keeps the red → yellow → green progression readable.
    pub fn colour(&self) -> &'static str {
        match self {
            AccountState::NotNotified => "red",
            AccountState::NotifiedNotActivated => "yellow",
            AccountState::ActivationInProgress => "orange",
            AccountState::Activated => "green",
        }
    }

    /// Whether the state can occur for this kind of account: only guardians go through
    /// self-registration, so only they can be "activation in progress".
    pub fn applies_to(&self, kind: AccountKind) -> bool {
        *self != AccountState::ActivationInProgress || kind == AccountKind::Guardian
    }

    /// The states a population's screens and statistics show, in column order.
    pub fn for_kind(kind: AccountKind) -> Vec<AccountState> {
        AccountState::ALL
            .into_iter()
            .filter(|s| s.applies_to(kind))
            .collect()
    }
}

wire_enum! {
    /// How the account came to be activated or distributed.
    pub enum Origin ("l'origine du compte") {
        /// Distributed by the school (letter, list, e-mail).
        Establishment = "establishment",
        /// The guardian registered themself.
        Guardian = "guardian",
        /// The guardian uses an identity provider through FranceConnect: no password here.
        /// The wire name is one word, as the product spells it, not `france_connect`.
        FranceConnect = "franceconnect",
        Aten = "aten",
        Ent = "ent",
        /// Not known yet: the account has not been notified.
        Unknown = "unknown",
    }
}

impl Origin {
    /// The label of search screens and account details (seed 001 §5.1 writes « Non renseigné »).
    pub fn label(&self) -> &'static str {
        match self {
            Origin::Establishment => "Établissement",
            Origin::Guardian => "Responsable",
            Origin::FranceConnect => "FranceConnect",
            Origin::Aten => "ATEN",
            Origin::Ent => "ENT",
            Origin::Unknown => "Non renseigné",
        }
    }

    /// The label of the "Origine du compte" column of lists. The seed's guardians CSV (001 §5.3)
    /// agrees it with the feminine « origine »: « Non renseignée »; the other labels are names
    /// and do not change.
    pub fn list_label(&self) -> &'static str {
        match self {
            Origin::Unknown => "Non renseignée",
            other => other.label(),
        }
    }

    /// The label of the statistics tables, which the seed (001 §6) heads « N/A » for accounts
    /// without an origin.
    pub fn statistics_label(&self) -> &'static str {
        match self {
            Origin::Unknown => "N/A",
            other => other.label(),
        }
    }

    /// Whether this origin can occur for the kind of account: self-registration and
    /// FranceConnect are guardians' routes only (seed 001 §1.1).
    pub fn applies_to(&self, kind: AccountKind) -> bool {
        !matches!(self, Origin::Guardian | Origin::FranceConnect) || kind == AccountKind::Guardian
    }
}

wire_enum! {
    /// The account lists of an establishment's console, as named in URLs.
    pub enum Population ("la population") {
        Students = "students",
        /// Students of another establishment following shared teaching here.
        ExternalStudents = "external-students",
        Guardians = "guardians",
    }
}

impl Population {
    pub fn kind(&self) -> AccountKind {
        match self {
            Population::Students | Population::ExternalStudents => AccountKind::Student,
            Population::Guardians => AccountKind::Guardian,
        }
    }

    /// The tab title.
    pub fn label(&self) -> &'static str {
        match self {
            Population::Students => "Élèves",
            Population::ExternalStudents => "Élèves extérieurs",
            Population::Guardians => "Responsables",
        }
    }

    /// The account states this population's accounts can be in, in the journey's order (the
    /// « État(s) de compte » filter): « En cours d'activation » is for guardians only.
    pub fn states(&self) -> Vec<AccountState> {
        AccountState::for_kind(self.kind())
    }

    /// The origins this population's accounts can have, in the order the « Origine du
    /// compte » filter offers them: self-registration and FranceConnect are guardians' ways in.
    pub fn origins(&self) -> Vec<Origin> {
        Origin::ALL
            .into_iter()
            .filter(|o| o.applies_to(self.kind()))
            .collect()
    }

    // The console's wording for the population's screens.

    pub fn heading(&self) -> &'static str {
        match self {
            Population::Students => "Gestion des comptes élèves",
            Population::ExternalStudents => "Gestion des comptes élèves extérieurs",
            Population::Guardians => "Gestion des comptes responsables",
        }
    }

    /// « élève(s) », « responsable(s) »…
    pub fn noun(&self) -> &'static str {
        match self {
            Population::Students => "élève(s)",
            Population::ExternalStudents => "élève(s) extérieur(s)",
            Population::Guardians => "responsable(s)",
        }
    }

    /// The results count, « 12 élève(s) ».
    pub fn count(self, n: u64) -> String {
        format!("{n} {}", self.noun())
    }

    /// « 3 responsable(s) sélectionné(s) ».
    pub fn selection(self, n: u64) -> String {
        match self {
            Population::Guardians => format!("{n} responsable(s) sélectionné(s)"),
            _ => format!("{n} élève(s) sélectionné(s)"),
        }
    }

    /// « de l’élève », « du responsable ».
    pub fn of_whom(&self) -> &'static str {
        match self {
            Population::Guardians => "du responsable",
            _ => "de l’élève",
        }
    }

    pub fn person(&self) -> &'static str {
        match self {
            Population::Guardians => "Responsable",
            _ => "Élève",
        }
    }

    pub fn caption(&self) -> &'static str {
        match self {
            Population::Students => "Comptes élèves de l’établissement",
            Population::ExternalStudents => "Comptes des élèves extérieurs",
            Population::Guardians => "Comptes responsables de l’établissement",
        }
    }

    pub fn empty(&self) -> &'static str {
        match self {
            Population::Students => "Aucun élève ne correspond à ces critères.",
            Population::ExternalStudents => "Aucun élève extérieur ne correspond à ces critères.",
            Population::Guardians => "Aucun responsable ne correspond à ces critères.",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_wire_names_round_trip() {
        let names: Vec<_> = AccountState::ALL.iter().map(|s| s.as_str()).collect();
        assert_eq!(
            names,
            [
                "not_notified",
                "notified_not_activated",
                "activation_in_progress",
                "activated"
            ]
        );
        for s in AccountState::ALL {
            assert_eq!(AccountState::parse(s.as_str()), Some(s));
            assert_eq!(s.as_str().parse::<AccountState>(), Ok(s));
            assert_eq!(
                serde_json::to_string(&s).unwrap(),
                format!("\"{}\"", s.as_str())
            );
            assert_eq!(
                serde_json::from_str::<AccountState>(&format!("\"{s}\"")).unwrap(),
                s
            );
        }
        assert_eq!(AccountState::parse("Activated"), None);
        assert_eq!(AccountState::parse("notifiedNotActivated"), None);
        let err = "bogus".parse::<AccountState>().unwrap_err();
        assert_eq!(
            err.to_string(),
            "Valeur inconnue pour l'état du compte : « bogus »"
        );
    }

    #[test]
    fn state_labels_and_colours() {
        use AccountState::*;
        let expected = [
            (NotNotified, "Non notifié", "Compte non notifié", "red"),
            (
                NotifiedNotActivated,
                "Notifié et non activé",
                "Compte notifié et non activé",
                "yellow",
            ),
            (
                ActivationInProgress,
                "En cours d’activation",
                "Compte en cours d'activation",
                "orange",
            ),
            (Activated, "Activé", "Compte activé", "green"),
        ];
        for (state, label, list_label, colour) in expected {
            assert_eq!(state.label(), label);
            assert_eq!(state.list_label(), list_label);
            assert_eq!(state.colour(), colour);
        }
    }

    #[test]
    fn activation_in_progress_is_for_guardians_only() {
        assert_eq!(
            AccountState::for_kind(AccountKind::Student),
            [
                AccountState::NotNotified,
                AccountState::NotifiedNotActivated,
                AccountState::Activated
            ]
        );
        assert_eq!(AccountState::for_kind(AccountKind::Guardian).len(), 4);
    }

    #[test]
    fn origin_wire_names_and_labels() {
        use Origin::*;
        let expected = [
            (Establishment, "establishment", "Établissement"),
            (Guardian, "guardian", "Responsable"),
            (FranceConnect, "franceconnect", "FranceConnect"),
            (Aten, "aten", "ATEN"),
            (Ent, "ent", "ENT"),
            (Unknown, "unknown", "Non renseigné"),
        ];
        assert_eq!(Origin::ALL.len(), expected.len());
        for (origin, wire, label) in expected {
            assert_eq!(origin.as_str(), wire);
            assert_eq!(Origin::parse(wire), Some(origin));
            assert_eq!(origin.label(), label);
            assert_eq!(
                serde_json::to_string(&origin).unwrap(),
                format!("\"{wire}\"")
            );
        }
        assert_eq!(Origin::parse("france_connect"), None);
        assert!(serde_json::from_str::<Origin>("\"france_connect\"").is_err());
    }

    #[test]
    fn origin_list_and_statistics_labels() {
        assert_eq!(Origin::Unknown.list_label(), "Non renseignée");
        assert_eq!(Origin::Unknown.statistics_label(), "N/A");
        assert_eq!(Origin::Guardian.list_label(), "Responsable");
        assert_eq!(Origin::Establishment.statistics_label(), "Établissement");
    }

    #[test]
    fn self_registration_origins_are_for_guardians_only() {
        assert!(!Origin::FranceConnect.applies_to(AccountKind::Student));
        assert!(!Origin::Guardian.applies_to(AccountKind::Student));
        assert!(Origin::Establishment.applies_to(AccountKind::Student));
        assert!(Origin::ALL
            .iter()
            .all(|o| o.applies_to(AccountKind::Guardian)));
    }

    #[test]
    fn kinds_and_populations() {
        assert_eq!(AccountKind::Student.as_str(), "student");
        assert_eq!(AccountKind::parse("guardian"), Some(AccountKind::Guardian));
        assert_eq!(AccountKind::parse("parent"), None);

        assert_eq!(Population::Students.as_str(), "students");
        assert_eq!(Population::ExternalStudents.as_str(), "external-students");
        assert_eq!(Population::Guardians.as_str(), "guardians");
        assert_eq!(
            Population::parse("external-students"),
            Some(Population::ExternalStudents)
        );
        assert_eq!(Population::parse("external_students"), None);
        assert_eq!(Population::Students.kind(), AccountKind::Student);
        assert_eq!(Population::ExternalStudents.kind(), AccountKind::Student);
        assert_eq!(Population::Guardians.kind(), AccountKind::Guardian);
        assert_eq!(
            serde_json::to_string(&Population::ExternalStudents).unwrap(),
            "\"external-students\""
        );
    }

    #[test]
    fn population_wording_states_and_origins() {
        assert_eq!(Population::Students.count(2), "2 élève(s)");
        assert_eq!(
            Population::Students.selection(1),
            "1 élève(s) sélectionné(s)"
        );
        assert_eq!(
            Population::Guardians.selection(3),
            "3 responsable(s) sélectionné(s)"
        );
        // Pupils are never offered guardian-only states or origins.
        for p in [Population::Students, Population::ExternalStudents] {
            assert_eq!(
                p.states(),
                [
                    AccountState::NotNotified,
                    AccountState::NotifiedNotActivated,
                    AccountState::Activated
                ]
            );
            assert_eq!(
                p.origins(),
                [
                    Origin::Establishment,
                    Origin::Aten,
                    Origin::Ent,
                    Origin::Unknown
                ]
            );
        }
        assert_eq!(Population::Guardians.states(), AccountState::ALL);
        assert_eq!(Population::Guardians.origins(), Origin::ALL);
    }
}
