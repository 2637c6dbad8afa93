//! The results table (seed 000): a box to select each user, « Nom », « Prénom », « Profil »,
//! « État », « Établissement principal », the login and the row's actions. (The groups stay
//! out: the seed's table has no such column, and a parent's classes made the rows tall.)

use leptos::prelude::*;
use sesame_api::ent::EntUser;

use super::row::UserRow;
use super::selection::{page_selection, select_page};

#[component]
pub(super) fn ResultsTable(
    rows: Signal<Vec<EntUser>>,
    page_ids: Signal<Vec<String>>,
    selected: RwSignal<Vec<String>>,
    can_write: RwSignal<bool>,
    loading: RwSignal<bool>,
    caption: Signal<String>,
    on_action: impl Fn(EntUser, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let counts = move || page_ids.with(|ids| page_selection(selected, ids));
    view! {
        <div class="table-wrap" role="region" aria-labelledby="directory-caption" tabindex="0">
            <table class="table directory__table" aria-busy=move || loading.get().to_string()>
                <caption id="directory-caption">{caption}</caption>
                <thead>
                    <tr>
                        <Show when=move || can_write.get()>
                            <th scope="col" class="table__select">
                                <label for="directory-select-page" class="visually-hidden">
                                    "Sélectionner tous les utilisateurs de la page"
                                </label>
                                <input
                                    id="directory-select-page"
                                    type="checkbox"
                                    prop:checked=move || {
                                        let (n, all) = counts();
                                        all > 0 && n == all
                                    }
                                    prop:indeterminate=move || {
                                        let (n, all) = counts();
                                        n > 0 && n < all
                                    }
                                    on:change=move |ev| {
                                        select_page(
                                            selected,
                                            page_ids.get_untracked(),
                                            event_target_checked(&ev),
                                        )
                                    }
                                />
                            </th>
                        </Show>
                        <th scope="col">"Nom"</th>
                        <th scope="col">"Prénom"</th>
                        <th scope="col">"Profil"</th>
                        <th scope="col">"État"</th>
                        <th scope="col">"Établissement principal"</th>
                        <th scope="col">"Identifiant"</th>
                        <Show when=move || can_write.get()>
                            <th scope="col">"Actions"</th>
                        </Show>
                    </tr>
                </thead>
                <tbody>
                    <For
                        each=move || rows.get()
                        key=|u| (u.id.clone(), u.state.clone(), u.groups.join("|"))
                        children=move |u| view! { <UserRow u selected can_write on_action /> }
                    />
                </tbody>
            </table>
        </div>
    }
}
