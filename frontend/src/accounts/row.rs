//! One account of the results table.

use leptos::prelude::*;

use sesame_api::accounts::AccountItem;

use crate::app::local_date;
use crate::text;

use super::columns::{password_cell, Col};
use super::population::Population;

#[component]
pub(super) fn AccountRow(
    a: AccountItem,
    population: Population,
    cols: Vec<Col>,
    selected: RwSignal<Vec<String>>,
    /// The whole search is selected.
    all: Signal<bool>,
    on_check: Callback<(String, bool)>,
    on_open: Option<Callback<String>>,
    on_reset: Option<Callback<String>>,
) -> impl IntoView {
    let date = |d: Option<chrono::DateTime<chrono::Utc>>| d.map(local_date).unwrap_or_default();
    let name_id = format!("account-{}", a.id);
    let id = a.id.clone();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| all.get() || selected.with(|s| s.contains(&id)))
    };
    let full_name = format!("{} {}", a.family_name.to_uppercase(), a.first_name);
    let cells = cols
        .into_iter()
        .map(|c| match c {
            Col::Name => {
                let name = full_name.clone();
                let inner = match on_open {
                    Some(cb) => {
                        let id = id.clone();
                        view! {
                            <button
                                type="button"
                                class="link-button"
                                aria-haspopup="dialog"
                                on:click=move |_| cb.run(id.clone())
                            >
                                {name}
                            </button>
                        }
                        .into_any()
                    }
                    None => name.into_any(),
                };
                view! {
                    <th scope="row" class="table__name" id=name_id.clone()>
                        {inner}
                    </th>
                }
                .into_any()
            }
            Col::Linked => view! {
                <td>
                    <ul class="linked">
                        {a.students
                            .iter()
                            .map(|s| {
                                let class = s.class.clone().map(|c| format!(" ({c})")).unwrap_or_default();
                                view! {
                                    <li>
                                        {format!("{} {}{class}", s.family_name.to_uppercase(), s.first_name)}
                                        {s.reported_wrong.then(|| view! {
                                            " "
                                            <span class="flag">"rattachement signalé erroné"</span>
                                        })}
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </td>
            }
            .into_any(),
            Col::Class => view! { <td>{a.class.clone().unwrap_or_default()}</td> }.into_any(),
            Col::Mef => view! { <td>{a.mef.clone().unwrap_or_default()}</td> }.into_any(),
            Col::Home => {
                let home = match (&a.home_uai, &a.home_name) {
                    (Some(u), Some(n)) => format!("{u} – {n}"),
                    (Some(u), None) => u.clone(),
                    _ => String::new(),
                };
                view! { <td>{home}</td> }.into_any()
            }
            Col::Identifier => view! { <td class="table__id">{a.identifier.clone()}</td> }.into_any(),
            Col::Password => {
                let shown = password_cell(&a.state, a.provisional_password.as_deref());
                if shown == "*****" {
                    view! {
                        <td class="table__password">
                            <span aria-hidden="true">"*****"</span>
                            <span class="visually-hidden">"masqué"</span>
                        </td>
                    }
                    .into_any()
                } else {
                    view! { <td class="table__password">{shown}</td> }.into_any()
                }
            }
            Col::Email => view! {
                <td>{a.email.clone().unwrap_or_else(|| "Non renseignée".into())}</td>
            }
            .into_any(),
            Col::State => view! {
                <td class="table__state">
                    <span class=format!("dot dot--{}", a.state) aria-hidden="true"></span>
                    {text::state_label(&a.state).to_owned()}
                </td>
            }
            .into_any(),
            Col::Origin => view! { <td>{text::origin_label(&a.origin).to_owned()}</td> }.into_any(),
            Col::Notified => view! { <td>{date(a.notified_at)}</td> }.into_any(),
            Col::LastLogin => view! { <td>{date(a.last_login_at)}</td> }.into_any(),
            Col::RowAction => {
                let inner = on_reset.map(|cb| {
                    let id = id.clone();
                    view! {
                        <button
                            type="button"
                            class="button button--secondary button--small"
                            aria-haspopup="dialog"
                            aria-label=format!("Réinitialiser le mot de passe {} {}", population.of_whom(), full_name)
                            on:click=move |_| cb.run(id.clone())
                        >
                            "Réinitialiser le mot de passe"
                        </button>
                    }
                });
                view! { <td>{inner}</td> }.into_any()
            }
        })
        .collect_view();
    let check_id = id.clone();
    view! {
        <tr class:table__row--selected=move || checked.get()>
            <td class="table__select">
                <input
                    type="checkbox"
                    aria-labelledby=format!("account-{}", check_id)
                    prop:checked=move || checked.get()
                    on:change=move |ev| on_check.run((id.clone(), event_target_checked(&ev)))
                />
            </td>
            {cells}
        </tr>
    }
}
