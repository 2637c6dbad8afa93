//! One user of the results table, with its row actions.

use leptos::prelude::*;
use sesame_api::ent::EntUser;

use crate::route::encode;

use super::full_name;

#[component]
pub(super) fn UserRow(
    u: EntUser,
    selected: RwSignal<Vec<String>>,
    can_write: RwSignal<bool>,
    on_action: impl Fn(EntUser, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name_id = format!("directory-user-{}", encode(&u.id).replace('%', "_"));
    let first_id = format!("{name_id}-first");
    let labelled = format!("{name_id} {first_id}");
    let id = u.id.clone();
    let checked = {
        let id = id.clone();
        Memo::new(move |_| selected.with(|s| s.contains(&id)))
    };
    let blocked = u.state == "Bloqué";
    let name = full_name(&u);
    let user_regen = u.clone();
    let user_state = u.clone();
    view! {
        <tr class:table__row--selected=move || checked.get()>
            <Show when=move || can_write.get()>
                <td class="table__select">
                    {
                        let id = id.clone();
                        let labelled = labelled.clone();
                        view! {
                            <input
                                type="checkbox"
                                aria-labelledby=labelled
                                prop:checked=move || checked.get()
                                on:change=move |ev| {
                                    let on = event_target_checked(&ev);
                                    selected
                                        .update(|s| {
                                            s.retain(|x| x != &id);
                                            if on {
                                                s.push(id.clone());
                                            }
                                        });
                                }
                            />
                        }
                    }
                </td>
            </Show>
            <th scope="row" class="table__name" id=name_id>
                {u.family_name.to_uppercase()}
            </th>
            <td id=first_id>{u.first_name.clone()}</td>
            <td>{u.profile.clone()}</td>
            <td class="table__state">
                <span
                    class=if blocked { "dot dot--ent-blocked" } else { "dot dot--ent-operational" }
                    aria-hidden="true"
                ></span>
                {u.state.clone()}
            </td>
            <td>{u.establishment.clone()}</td>
            <td class="table__id">{u.login.clone()}</td>
            <Show when=move || can_write.get()>
                <td>
                    <div class="directory__row-actions">{
                        let (name, user_regen, user_state) = (
                            name.clone(),
                            user_regen.clone(),
                            user_state.clone(),
                        );
                        view! {
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                aria-haspopup="dialog"
                                on:click=move |_| on_action(user_regen.clone(), true)
                            >
                                "Régénérer le mot de passe"
                                <span class="visually-hidden">{format!(" de {name}")}</span>
                            </button>
                            <button
                                type="button"
                                class="button button--secondary button--small"
                                aria-haspopup="dialog"
                                on:click=move |_| on_action(user_state.clone(), false)
                            >
                                {if blocked { "Débloquer" } else { "Bloquer" }}
                                <span class="visually-hidden">{format!(" {name}")}</span>
                            </button>
                        }
                    }</div>
                </td>
            </Show>
        </tr>
    }
}
