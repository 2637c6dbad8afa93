//! What « Informations du compte » shows of an account: identity, state and dates, the data
//! sources, the linked guardians or students.

use chrono::Datelike;
use leptos::prelude::*;
use sesame_api::accounts::{AccountDetail, LinkedPerson};
use sesame_core::AccountKind;

use crate::app::local_date;
use crate::text;

fn or_none(v: Option<String>, none: &str) -> String {
    v.filter(|s| !s.is_empty())
        .unwrap_or_else(|| none.to_owned())
}

/// `full_view`: the admin module; the troubleshooting module shows no guardian and no phone.
pub(super) fn detail_view(d: AccountDetail, full_view: bool) -> impl IntoView {
    let date = |v: Option<chrono::DateTime<chrono::Utc>>| {
        v.map(local_date)
            .unwrap_or_else(|| "Non renseignée".to_owned())
    };
    let birth = d
        .birth_date
        .map(|b| text::date_fr(b.day(), b.month(), b.year()))
        .unwrap_or_else(|| "Non renseignée".into());
    let class = match (&d.class, &d.mef_label) {
        (Some(c), Some(m)) => format!("{c} ({m})"),
        (Some(c), None) => c.clone(),
        _ => "Non renseignée".into(),
    };
    let email = match &d.email {
        Some(e) if d.email_validated => format!("{e} (validée)"),
        Some(e) => format!("{e} (non validée)"),
        None => "Non renseigné".into(),
    };
    let item = |term: &'static str, value: String| {
        view! {
            <div class="detail__item">
                <dt>{term}</dt>
                <dd>{value}</dd>
            </div>
        }
    };
    let guardian = d.kind == AccountKind::Guardian;
    let linked = if guardian {
        d.students.clone()
    } else {
        d.guardians.clone()
    };
    let state = d.state;
    view! {
        <dl class="detail">
            {item("Prénom Nom", format!("{} {}", d.first_name, d.family_name.to_uppercase()))}
            {(!guardian).then(|| item("Classe", class))}
            {item("Identifiant", d.identifier.clone())}
            {(!guardian).then(|| item("Date de naissance", birth))}
            {item("Courrier électronique", email)}
            {full_view.then(|| item("Téléphone", or_none(d.phone.clone(), "Non renseigné")))}
            {(!guardian).then(|| item("INE", or_none(d.ine.clone(), "Non renseigné")))}
            {d.home_uai.clone().map(|h| item("Établissement de rattachement", h))}
            {item("Origine du compte", d.origin.label().to_owned())}
            <div class="detail__item">
                <dt>"État du compte"</dt>
                <dd>
                    <span class=format!("dot dot--{state}") aria-hidden="true"></span>
                    " "
                    {state.label()}
                </dd>
            </div>
            {item("Date de notification", date(d.notified_at))}
            {item("Date de distribution", date(d.distributed_at))}
            {item("Date d’activation", date(d.activated_at))}
            {item("Date de dernière connexion", date(d.last_login_at))}
            {d.provisional_password.clone().map(|p| item("Mot de passe provisoire", p))}
        </dl>
        <table class="table detail__table">
            <caption>"Informations des sources de données"</caption>
            <thead>
                <tr>
                    <th scope="col">"Source"</th>
                    <th scope="col">"Académie"</th>
                    <th scope="col">"Identifiant AAF"</th>
                    <th scope="col">"Identifiant ONDE / SIECLE"</th>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Prénom"</th>
                </tr>
            </thead>
            <tbody>
                {d.sources
                    .iter()
                    .map(|s| {
                        view! {
                            <tr>
                                <th scope="row">{s.source.clone()}</th>
                                <td>{s.academy.clone()}</td>
                                <td>{s.aaf_id.clone().unwrap_or_default()}</td>
                                <td>{s.source_id.clone().unwrap_or_default()}</td>
                                <td>{s.family_name.clone()}</td>
                                <td>{s.first_name.clone()}</td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
        {(guardian || full_view).then(|| linked_table(guardian, linked))}
    }
}

fn linked_table(guardian: bool, linked: Vec<LinkedPerson>) -> impl IntoView {
    let caption = if guardian {
        "Élèves rattachés au compte"
    } else {
        "Responsables rattachés au compte"
    };
    if linked.is_empty() {
        return view! {
            <p>{format!("{caption} : aucun.")}</p>
        }
        .into_any();
    }
    view! {
        <table class="table detail__table">
            <caption>{caption}</caption>
            <thead>
                <tr>
                    <th scope="col">"Prénom"</th>
                    <th scope="col">"Nom"</th>
                    <th scope="col">"Identifiant"</th>
                    <th scope="col">{if guardian { "Classe" } else { "Lien" }}</th>
                    <th scope="col">"Statut du compte"</th>
                    <th scope="col">"Rattachement"</th>
                </tr>
            </thead>
            <tbody>
                {linked
                    .into_iter()
                    .map(|p| {
                        let state = p.state;
                        view! {
                            <tr>
                                <th scope="row">{p.first_name.clone()}</th>
                                <td>{p.family_name.to_uppercase()}</td>
                                <td class="table__id">{p.identifier.clone().unwrap_or_default()}</td>
                                <td>
                                    {if guardian {
                                        p.class.clone().unwrap_or_default()
                                    } else {
                                        p.relationship.clone()
                                    }}
                                </td>
                                <td class="table__state">
                                    {state
                                        .map(|state| {
                                            view! {
                                                <span class=format!("dot dot--{state}") aria-hidden="true"></span>
                                                {state.label()}
                                            }
                                        })}
                                </td>
                                <td>
                                    {if p.reported_wrong {
                                        view! { <span class="flag">"Rattachement signalé erroné"</span> }.into_any()
                                    } else {
                                        "Non signalé".into_any()
                                    }}
                                </td>
                            </tr>
                        }
                    })
                    .collect_view()}
            </tbody>
        </table>
    }
    .into_any()
}
