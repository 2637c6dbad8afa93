//! The journal's words: the actions, authors, outcomes and details of the audit events in
//! French.

use sesame_core::{Channel, Module, Population};

/// The actions the console records, with their French labels, in the filter's order.
pub const ACTIONS: [(&str, &str); 40] = [
    ("auth.login", "Connexion à la console"),
    ("auth.logout", "Déconnexion de la console"),
    (
        "auth.refresh_reuse",
        "Session révoquée (jeton de renouvellement réutilisé)",
    ),
    ("account.notify", "(Re)notification des comptes"),
    ("account.list", "Liste des comptes"),
    (
        "account.reset_password",
        "Réinitialisation des mots de passe",
    ),
    ("account.contact_update", "Modification des coordonnées"),
    (
        "account.regenerate_identifier",
        "Génération d’un nouvel identifiant",
    ),
    (
        "account.cancel_identifier_change",
        "Annulation du nouvel identifiant",
    ),
    ("account.identifier_switch", "Passage au nouvel identifiant"),
    ("identifier.changed", "Identifiant changé"),
    ("account.login", "Connexion d’un titulaire de compte"),
    ("account.activated", "Activation d’un compte"),
    (
        "account.password_reset",
        "Mot de passe réinitialisé par son titulaire",
    ),
    ("account.password_change", "Changement de mot de passe"),
    (
        "account.link_report",
        "Signalement d’un rattachement erroné",
    ),
    // The holders' page (/compte): e-mail confirmation, recovery, self-registration.
    (
        "account.email_confirmation_request",
        "Envoi du lien de confirmation d’adresse",
    ),
    ("account.email_change", "Adresse électronique saisie"),
    ("account.email_confirm", "Adresse électronique confirmée"),
    (
        "account.password_reset_request",
        "Mot de passe oublié : lien envoyé",
    ),
    (
        "account.identifier_reminder",
        "Identifiant oublié : rappel envoyé",
    ),
    (
        "account.registration_request",
        "Inscription d’un responsable : lien envoyé",
    ),
    ("account.registration", "Inscription d’un responsable"),
    ("delegation.grant", "Délégation accordée"),
    ("delegation.revoke", "Délégation révoquée"),
    (
        "settings.notification_url.set",
        "Adresse de notification saisie",
    ),
    (
        "settings.notification_url.verify",
        "Vérification de l’adresse de notification",
    ),
    (
        "settings.notification_url.activate",
        "Adresse de notification activée",
    ),
    (
        "settings.notification_url.deactivate",
        "Adresse de notification désactivée",
    ),
    ("import.apply", "Import des données"),
    ("ent.user.create", "Création d’un compte ENT"),
    ("ent.user.block", "Blocage d’un compte ENT"),
    ("ent.user.unblock", "Déblocage d’un compte ENT"),
    (
        "ent.user.regenerate_password",
        "Nouveau mot de passe d’un compte ENT",
    ),
    ("oauth.token", "Jeton d’accès délivré à une application"),
    (
        "webhook.register",
        "Abonnement d’une application aux événements",
    ),
    ("webhook.remove", "Désabonnement d’une application"),
    ("client.grant", "Accès ouvert à une application"),
    ("client.revoke", "Accès retiré à une application"),
    ("demo.loaded", "Chargement des données de démonstration"),
];

/// The French label of an action; imports and unknown actions keep a readable fallback.
pub fn action_label(action: &str) -> String {
    if let Some((_, l)) = ACTIONS.iter().find(|(a, _)| *a == action) {
        return (*l).to_owned();
    }
    if action.starts_with("import") {
        return "Import des données".into();
    }
    action.to_owned()
}

pub fn outcome_label(outcome: &str) -> &str {
    match outcome {
        "success" => "Réussie",
        "failure" => "Échouée",
        other => other,
    }
}

/// At most three targets, then « et N autre(s) ».
pub fn targets_text(targets: &[String]) -> String {
    if targets.is_empty() {
        return "—".into();
    }
    let shown = targets
        .iter()
        .take(3)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if targets.len() > 3 {
        format!("{shown} et {} autre(s)", targets.len() - 3)
    } else {
        shown
    }
}

fn detail_key(key: &str) -> &str {
    match key {
        "population" => "Population",
        "url" => "Adresse",
        "username" => "Personnel",
        "module" => "Module",
        "reason" => "Motif",
        "status" => "Code HTTP",
        "channel" => "Canal",
        "count" => "Nombre",
        "source" => "Source",
        "files" => "Fichiers",
        _ => key,
    }
}

/// A detail whose value is a wire name of a vocabulary, in words.
fn vocabulary_label(key: &str, value: &str) -> Option<&'static str> {
    match key {
        "population" => Population::parse(value).map(|p| p.label()),
        "module" => Module::parse(value).map(|m| m.label()),
        "channel" => Channel::parse(value).map(|c| c.label()),
        _ => None,
    }
}

fn detail_value(key: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => {
            vocabulary_label(key, s).map_or_else(|| s.clone(), str::to_owned)
        }
        serde_json::Value::Bool(true) => "oui".into(),
        serde_json::Value::Bool(false) => "non".into(),
        serde_json::Value::Null => "—".into(),
        serde_json::Value::Array(items) => items
            .iter()
            .map(|i| match i {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join(", "),
        other => other.to_string(),
    }
}

/// The event's extra facts, « Clé : valeur » each, in the document's order.
pub fn detail_lines(detail: &serde_json::Value) -> Vec<String> {
    match detail {
        serde_json::Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{} : {}", detail_key(k), detail_value(k, v)))
            .collect(),
        serde_json::Value::Null => Vec::new(),
        other => vec![other.to_string()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_read_in_french() {
        assert_eq!(action_label("delegation.grant"), "Délégation accordée");
        assert_eq!(action_label("import.run"), "Import des données");
        assert_eq!(action_label("x.y"), "x.y");
        assert_eq!(outcome_label("failure"), "Échouée");
        assert_eq!(targets_text(&[]), "—");
        let many: Vec<String> = (1..=5).map(|i| i.to_string()).collect();
        assert_eq!(targets_text(&many), "1, 2, 3 et 2 autre(s)");
        let d = serde_json::json!({"population": "students", "module": "admin", "status": 200});
        assert_eq!(
            detail_lines(&d),
            vec![
                "Module : Administration des comptes".to_owned(),
                "Population : Élèves".to_owned(),
                "Code HTTP : 200".to_owned()
            ]
        );
        assert!(ACTIONS.iter().all(|(a, l)| !a.is_empty() && !l.is_empty()));
    }
}
