//! « Journal »: the establishment's audit trail, newest first — who, when, from where, what,
//! on which accounts, with what outcome — filtered by action, author and dates, paged; the
//! filters and the page live in the URL query (`?action=…&actor=…&from=YYYY-MM-DD&to=…&page=2`).

use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;
use sesame_api::audit::AuditEvent;
use sesame_api::Page;

use crate::admin_ui::{count_fr, local_datetime, query_get, query_string};
use crate::api;
use crate::app::{expire, navigate, Console, RouteSignal};
use crate::delegations::module_label;
use crate::load::Load;
use crate::pager::Pager;
use crate::route::{Route, Tab};
use crate::text;
use crate::token::authed;

pub const PER_PAGE: u64 = 50;

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

pub fn actor_kind_label(kind: &str) -> &str {
    match kind {
        "staff" => "Personnel",
        "client" => "Application",
        "account" => "Titulaire de compte",
        "system" => "Système",
        other => other,
    }
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

fn detail_value(key: &str, value: &serde_json::Value) -> String {
    match value {
        serde_json::Value::String(s) => match (key, s.as_str()) {
            ("population", "students") => "Élèves".into(),
            ("population", "guardians") => "Responsables".into(),
            ("population", "external-students") => "Élèves extérieurs".into(),
            ("module", m) => module_label(m).to_owned(),
            ("channel", "letter") => "Courrier".into(),
            ("channel", "email") => "Courriel".into(),
            _ => s.clone(),
        },
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

/// The filters and page of the URL query.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JournalQuery {
    pub action: String,
    pub actor: String,
    /// `YYYY-MM-DD`, as `<input type=date>` gives it.
    pub from: String,
    pub to: String,
    pub page: u64,
}

fn valid_date(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

impl JournalQuery {
    pub fn parse(query: &str) -> Self {
        let get = |k: &str| query_get(query, k).unwrap_or_default();
        let date = |k: &str| Some(get(k)).filter(|d| valid_date(d)).unwrap_or_default();
        JournalQuery {
            action: get("action"),
            actor: get("actor"),
            from: date("from"),
            to: date("to"),
            page: get("page").parse().unwrap_or(1).max(1),
        }
    }

    pub fn url_query(&self) -> String {
        query_string(&[
            ("action", self.action.clone()),
            ("actor", self.actor.clone()),
            ("from", self.from.clone()),
            ("to", self.to.clone()),
            (
                "page",
                if self.page > 1 {
                    self.page.to_string()
                } else {
                    String::new()
                },
            ),
        ])
    }

    pub fn is_filtered(&self) -> bool {
        !(self.action.is_empty()
            && self.actor.is_empty()
            && self.from.is_empty()
            && self.to.is_empty())
    }
}

fn date_parts(d: &str) -> Option<(u32, u32, u32)> {
    let mut it = d.split('-').map(|p| p.parse::<u32>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

/// The instant starting (or ending) a local calendar day, in ISO 8601 UTC.
fn local_bound(d: &str, end: bool) -> Option<String> {
    let (y, m, day) = date_parts(d)?;
    let m = m.checked_sub(1)? as i32;
    let date = if end {
        js_sys::Date::new_with_year_month_day_hr_min_sec_milli(y, m, day as i32, 23, 59, 59, 999)
    } else {
        js_sys::Date::new_with_year_month_day_hr_min_sec(y, m, day as i32, 0, 0, 0)
    };
    if date.get_time().is_nan() {
        return None;
    }
    date.to_iso_string().as_string()
}

fn api_query(q: &JournalQuery) -> String {
    let mut pairs = vec![("action", q.action.clone()), ("actor", q.actor.clone())];
    if let Some(from) = local_bound(&q.from, false) {
        pairs.push(("from", from));
    }
    if let Some(to) = local_bound(&q.to, true) {
        pairs.push(("to", to));
    }
    pairs.push(("page", q.page.to_string()));
    pairs.push(("per_page", PER_PAGE.to_string()));
    query_string(&pairs)
}

#[component]
pub fn JournalTab(uai: String, route: RouteSignal) -> impl IntoView {
    let Console { session, notice } = expect_context();
    let current = Memo::new(move |_| {
        route.with(|r| match r {
            Route::Establishment {
                tab: Tab::Journal,
                query,
                ..
            } => JournalQuery::parse(query),
            _ => JournalQuery::default(),
        })
    });
    let action = RwSignal::new(String::new());
    let actor = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    Effect::new(move |_| {
        let q = current.get();
        action.set(q.action);
        actor.set(q.actor);
        from.set(q.from);
        to.set(q.to);
    });

    let uai = StoredValue::new(uai);
    let results = RwSignal::new(Load::Loading);
    let generation = StoredValue::new(0u64);
    let nonce = RwSignal::new(0u32);
    Effect::new(move |_| {
        nonce.track();
        let q = current.get();
        generation.update_value(|g| *g += 1);
        let this = generation.get_value();
        results.set(Load::Loading);
        let url = api::url::audit(&uai.get_value(), &api_query(&q));
        spawn_local(async move {
            let got = authed(session, |token| {
                let url = url.clone();
                async move { api::get::<Page<AuditEvent>>(&url, &token).await }
            })
            .await;
            if results.is_disposed() || generation.get_value() != this {
                return;
            }
            match got {
                Ok(p) => results.set(Load::Loaded(p)),
                Err(e) if e.status() == Some(401) => expire(session, notice),
                Err(e) => results.set(Load::Failed(e.message())),
            }
        });
    });

    let go = move |q: JournalQuery| {
        nonce.update(|n| *n = n.wrapping_add(1));
        navigate(
            route,
            Route::Establishment {
                uai: uai.get_value(),
                tab: Tab::Journal,
                query: q.url_query(),
            },
        );
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        go(JournalQuery {
            action: action.get_untracked(),
            actor: actor.get_untracked().trim().to_owned(),
            from: from.get_untracked(),
            to: to.get_untracked(),
            page: 1,
        });
    };
    let reset = move |_| go(JournalQuery::default());
    let to_page = move |page: u64| {
        let mut q = current.get_untracked();
        q.page = page;
        go(q);
    };

    let pages = move || {
        results.with(|r| match r {
            Load::Loaded(p) => Some((p.page, text::page_count(p.total, p.per_page))),
            _ => None,
        })
    };
    let status = move || {
        results.with(|r| match r {
            Load::Loading => "Chargement du journal…".to_owned(),
            Load::Failed(_) => String::new(),
            Load::Loaded(p) => {
                let filtered = current.with(JournalQuery::is_filtered);
                match p.total {
                    0 if filtered => "Aucun événement ne correspond à ces critères.".to_owned(),
                    0 => "Aucun événement dans le journal.".to_owned(),
                    n => format!(
                        "{} événement(s){} — page {} sur {}.",
                        count_fr(n),
                        if filtered {
                            " correspondant aux critères"
                        } else {
                            ""
                        },
                        p.page,
                        text::page_count(p.total, p.per_page)
                    ),
                }
            }
        })
    };

    view! {
        <div class="panel journal">
            <h3>"Journal des actions"</h3>
            <p>"Les actions effectuées dans l’établissement et sur ses comptes, les plus récentes d’abord. Les heures sont celles de votre fuseau horaire."</p>
            <form class="filters" role="search" aria-label="Filtrer le journal" on:submit=on_submit>
                <div class="filters__grid">
                    <div class="field">
                        <label for="journal-action">"Action"</label>
                        <select
                            id="journal-action"
                            on:change=move |ev| action.set(event_target_value(&ev))
                            prop:value=move || action.get()
                        >
                            <option value="" selected=move || action.with(String::is_empty)>"Toutes les actions"</option>
                            {ACTIONS
                                .iter()
                                .map(|(value, label)| {
                                    let value: &'static str = value;
                                    view! {
                                        <option value=value selected=move || action.with(|a| a == value)>
                                            {*label}
                                        </option>
                                    }
                                })
                                .collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="journal-actor">"Auteur (identifiant exact)"</label>
                        <input
                            id="journal-actor"
                            type="search"
                            autocomplete="off"
                            spellcheck="false"
                            bind:value=actor
                        />
                    </div>
                    <div class="field">
                        <label for="journal-from">"Du"</label>
                        <input id="journal-from" type="date" bind:value=from />
                    </div>
                    <div class="field">
                        <label for="journal-to">"Au"</label>
                        <input id="journal-to" type="date" bind:value=to />
                    </div>
                </div>
                <div class="filters__actions">
                    <button type="submit" class="button">"Filtrer"</button>
                    <button type="button" class="button button--secondary" on:click=reset>
                        "Réinitialiser"
                    </button>
                </div>
            </form>
            <p class="status results__count" role="status" aria-live="polite">{status}</p>
            {move || match results.get() {
                Load::Failed(m) => view! { <p class="alert alert--shown" role="alert">{m}</p> }.into_any(),
                Load::Loaded(p) if !p.items.is_empty() => view! { <JournalTable page=p /> }.into_any(),
                _ => ().into_any(),
            }}
            <Show when=move || pages().is_some_and(|(_, n)| n > 1)>
                <Pager
                    pages=Signal::derive(pages)
                    on_page=Callback::new(to_page)
                    label="Pagination du journal"
                    previous="Précédent"
                    next="Suivant"
                />
            </Show>
        </div>
    }
}

#[component]
fn JournalTable(page: Page<AuditEvent>) -> impl IntoView {
    let caption = format!(
        "Journal des actions, page {} sur {}",
        page.page,
        text::page_count(page.total, page.per_page)
    );
    let rows = page
        .items
        .into_iter()
        .map(|e| {
            let details = detail_lines(&e.detail);
            let failed = e.outcome == "failure";
            view! {
                <tr>
                    <td class="journal__when">{local_datetime(e.at)}</td>
                    <td>
                        <span class="table__id">{e.actor.clone()}</span>
                        <br />
                        <span class="journal__kind">{actor_kind_label(&e.actor_kind).to_owned()}</span>
                    </td>
                    <td class="table__id">{e.address.clone().unwrap_or_else(|| "Non renseignée".into())}</td>
                    <th scope="row">{action_label(&e.action)}</th>
                    <td class="table__id journal__targets">{targets_text(&e.targets)}</td>
                    <td class="table__state">
                        <span
                            class=if failed { "dot dot--not_notified" } else { "dot dot--activated" }
                            aria-hidden="true"
                        ></span>
                        {outcome_label(&e.outcome).to_owned()}
                    </td>
                    <td class="journal__detail">
                        {(!details.is_empty()).then(|| view! {
                            <ul class="journal__facts">
                                {details.into_iter().map(|l| view! { <li>{l}</li> }).collect_view()}
                            </ul>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" role="region" aria-labelledby="journal-caption" tabindex="0">
            <table class="table journal__table">
                <caption id="journal-caption">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Date et heure"</th>
                        <th scope="col">"Auteur"</th>
                        <th scope="col">"Depuis (adresse)"</th>
                        <th scope="col">"Action"</th>
                        <th scope="col">"Comptes concernés"</th>
                        <th scope="col">"Résultat"</th>
                        <th scope="col">"Détail"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_query_round_trips_through_the_url() {
        let q = JournalQuery::parse("action=delegation.grant&from=2026-11-01&to=bad&page=3");
        assert_eq!(q.action, "delegation.grant");
        assert_eq!(q.from, "2026-11-01");
        assert_eq!(q.to, "");
        assert_eq!(q.page, 3);
        assert!(q.is_filtered());
        assert_eq!(
            q.url_query(),
            "action=delegation.grant&from=2026-11-01&page=3"
        );
        let first = JournalQuery::parse("page=0");
        assert_eq!(first.page, 1);
        assert_eq!(first.url_query(), "");
        assert!(!first.is_filtered());
    }

    #[test]
    fn events_read_in_french() {
        assert_eq!(action_label("delegation.grant"), "Délégation accordée");
        assert_eq!(action_label("import.run"), "Import des données");
        assert_eq!(action_label("x.y"), "x.y");
        assert_eq!(outcome_label("failure"), "Échouée");
        assert_eq!(actor_kind_label("staff"), "Personnel");
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
