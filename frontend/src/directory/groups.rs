//! The establishment's group tree (« école → Groupes pédagogiques → Classes »): lookups and
//! the browser's nodes.

use std::collections::HashSet;

use leptos::prelude::*;
use sesame_api::ent::EntGroupNode;
use sesame_core::EntGroupKind;

use crate::route::encode;

use super::search::users_count;

/// The node of the tree with this id.
pub fn find_group<'a>(node: &'a EntGroupNode, id: &str) -> Option<&'a EntGroupNode> {
    if node.id == id {
        return Some(node);
    }
    node.children.iter().find_map(|c| find_group(c, id))
}

/// The ids from the root to the node (both included), to unfold the tree down to it.
pub fn path_to(node: &EntGroupNode, id: &str) -> Option<Vec<String>> {
    if node.id == id {
        return Some(vec![node.id.clone()]);
    }
    node.children.iter().find_map(|c| {
        path_to(c, id).map(|mut p| {
            p.insert(0, node.id.clone());
            p
        })
    })
}

/// Classes and pedagogical groups (not folders), for the creation form: `(id, name)`.
pub fn member_groups(node: &EntGroupNode) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if node.kind.has_members() {
        out.push((node.id.clone(), node.name.clone()));
    }
    for c in &node.children {
        out.extend(member_groups(c));
    }
    out
}

/// A node of the group tree and its sub-tree: a button to choose it, and one to unfold it.
pub(super) fn group_node(
    node: EntGroupNode,
    depth: usize,
    expanded: RwSignal<HashSet<String>>,
    chosen: Signal<String>,
    choose: impl Fn(Option<String>) + Copy + Send + Sync + 'static,
) -> AnyView {
    let id = node.id.clone();
    let is_root = node.kind == EntGroupKind::Establishment;
    let has_children = !node.children.is_empty();
    let open = {
        let id = id.clone();
        move || expanded.with(|e| e.contains(&id))
    };
    let is_chosen = {
        let id = id.clone();
        move || chosen.with(|c| if is_root { c.is_empty() } else { *c == id })
    };
    let sub_id = format!("directory-tree-{depth}-{}", encode(&id).replace('%', "_"));
    let toggle = has_children.then(|| {
        let id = id.clone();
        let open = open.clone();
        let open_label = open.clone();
        let name = node.name.clone();
        view! {
            <button
                type="button"
                class="tree__toggle"
                aria-expanded=move || open().to_string()
                aria-controls=sub_id.clone()
                on:click=move |_| {
                    let id = id.clone();
                    expanded
                        .update(|e| {
                            if !e.remove(&id) {
                                e.insert(id);
                            }
                        });
                }
            >
                <span aria-hidden="true">{move || if open_label() { "▾" } else { "▸" }}</span>
                <span class="visually-hidden">{format!("Sous-groupes de {name}")}</span>
            </button>
        }
    });
    let choose_id = (!is_root).then(|| id.clone());
    let count = node.member_count;
    let kind = node.kind.label();
    let children = node.children;
    let sub_id = format!("directory-tree-{depth}-{}", encode(&id).replace('%', "_"));
    let sub = has_children.then(|| {
        let open = open.clone();
        view! {
            <ul class="tree__children" id=sub_id hidden=move || !open()>
                {children
                    .into_iter()
                    .map(|c| group_node(c, depth + 1, expanded, chosen, choose))
                    .collect_view()}
            </ul>
        }
    });
    let is_chosen_class = is_chosen.clone();
    view! {
        <li class="tree__item">
            <div class="tree__row">
                {toggle}
                {(!has_children).then(|| view! { <span class="tree__spacer" aria-hidden="true"></span> })}
                <button
                    type="button"
                    class="tree__choose"
                    class:tree__choose--chosen=is_chosen_class
                    aria-current=move || is_chosen().then_some("true")
                    on:click=move |_| choose(choose_id.clone())
                >
                    {node.name}
                    <span class="tree__meta">
                        {format!(" ({kind}, {})", users_count(count))}
                    </span>
                </button>
            </div>
            {sub}
        </li>
    }
    .into_any()
}

/// « Groupe … Parcourir ✕ »: the group chosen in the advanced search's form, the browser of
/// the establishment's tree (« école → Groupes pédagogiques → Classes »), and a way to clear it.
/// Choosing closes the browser and gives the focus back to « Parcourir ».
#[component]
pub(super) fn GroupPicker(
    tree: RwSignal<Option<EntGroupNode>>,
    tree_error: RwSignal<Option<String>>,
    /// The form's group id, empty for every group.
    group: RwSignal<String>,
) -> impl IntoView {
    let browsing = RwSignal::new(false);
    let expanded = RwSignal::new(HashSet::<String>::new());
    let browse_button = NodeRef::<leptos::html::Button>::new();
    let name = move || {
        let id = group.get();
        if id.is_empty() {
            return "Tous les groupes".to_owned();
        }
        tree.with(|t| {
            t.as_ref()
                .and_then(|t| find_group(t, &id))
                .map(|g| g.name.clone())
        })
        .unwrap_or(id)
    };
    let toggle_browse = move |_| {
        let open = !browsing.get_untracked();
        if open {
            // Unfolded down to the group in force, if any.
            let id = group.get_untracked();
            if let Some(path) = tree.with_untracked(|t| t.as_ref().and_then(|t| path_to(t, &id))) {
                expanded.update(|e| e.extend(path));
            }
        }
        browsing.set(open);
    };
    let choose = move |id: Option<String>| {
        group.set(id.unwrap_or_default());
        browsing.set(false);
        if let Some(b) = browse_button.get_untracked() {
            let _ = b.focus();
        }
    };
    view! {
        <div class="directory__group" role="group" aria-labelledby="directory-group-label">
            <p class="directory__group-line">
                <span id="directory-group-label" class="directory__group-label">"Groupe"</span>
                " "
                <span class="directory__group-name" aria-live="polite">{name}</span>
            </p>
            <div class="directory__group-actions">
                <button
                    type="button"
                    class="button button--secondary"
                    node_ref=browse_button
                    aria-expanded=move || browsing.get().to_string()
                    aria-controls="directory-tree"
                    on:click=toggle_browse
                >
                    "Parcourir"
                    <span class="visually-hidden">" les groupes"</span>
                </button>
                <Show when=move || group.with(|g| !g.is_empty())>
                    <button
                        type="button"
                        class="button button--secondary"
                        on:click=move |_| choose(None)
                    >
                        <span aria-hidden="true">"✕ "</span>
                        "Retirer le groupe"
                    </button>
                </Show>
            </div>
            <div id="directory-tree" class="directory__tree" hidden=move || !browsing.get()>
                <p class="alert" class:alert--shown=move || tree_error.with(Option::is_some) role="alert">
                    {move || tree_error.get()}
                </p>
                {move || {
                    tree.get()
                        .map(|t| {
                            let chosen = Signal::derive(move || group.get());
                            view! {
                                <ul class="tree" aria-label="Groupes de l’établissement">
                                    {group_node(t, 0, expanded, chosen, choose)}
                                </ul>
                            }
                        })
                }}
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: &str, kind: EntGroupKind, children: Vec<EntGroupNode>) -> EntGroupNode {
        EntGroupNode {
            id: id.into(),
            name: format!("nom {id}"),
            kind,
            member_count: 3,
            children,
        }
    }

    #[test]
    fn tree_helpers() {
        let t = node(
            "0251233E",
            EntGroupKind::Establishment,
            vec![node(
                "peda",
                EntGroupKind::Folder,
                vec![
                    node(
                        "classes",
                        EntGroupKind::Folder,
                        vec![node("c1", EntGroupKind::Class, vec![])],
                    ),
                    node("choir", EntGroupKind::Group, vec![]),
                ],
            )],
        );
        assert_eq!(
            find_group(&t, "c1").map(|g| g.kind),
            Some(EntGroupKind::Class)
        );
        assert!(find_group(&t, "zz").is_none());
        assert_eq!(
            path_to(&t, "c1"),
            Some(vec![
                "0251233E".to_owned(),
                "peda".into(),
                "classes".into(),
                "c1".into()
            ])
        );
        assert_eq!(
            member_groups(&t)
                .into_iter()
                .map(|(id, _)| id)
                .collect::<Vec<_>>(),
            vec!["c1", "choir"]
        );
    }
}
