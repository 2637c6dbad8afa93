//! The ENT directory of an establishment (seed 000, « Service personnel → Annuaire →
//! Administration »): search 20 a page, the group tree, « Régénérer le mot de passe » for one
//! user or a selection, « Créer un utilisateur », blocking and unblocking.

use std::collections::HashMap;

use actix_web::{get, post, web, HttpResponse};
use serde::Deserialize;
use sesame_api::ent::{
    EntCredentials, EntGroupNode, EntRegenerateRequest, EntRegenerateResponse, EntSubjects,
    EntUser, EntUserCreated, EntUserFilters, EntUserPage, NewEntUser,
};
use sesame_core::identifier::ent_login;
use sesame_core::letter::ent_credentials_message;
use sesame_core::password::generate_provisional_os;
use sesame_store::repo::ent::{
    with_descendants, EntFilter, EntGroup, EntUserRow, PROFILES, STATE_BLOCKED, STATE_OPERATIONAL,
};
use utoipa::IntoParams;

use crate::auth::{can, Allowed, Scoped};
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::{ApiJson, HtmlQuery, PathId};
use crate::routes::paging::MAX_PAGE;
use crate::routes::path_params::{EntUaiPath, EntUserPath};
use crate::routes::responses::{ScopedInputProblems, ScopedProblems};
use crate::routes::selection::MAX_IDS;
use crate::state::AppState;
use sesame_core::contact::valid_email;

/// The directory's page size, as in the ENT (« … dernier >> 20 »).
pub const ENT_PER_PAGE: u64 = 20;
/// Largest page a client may ask for with `per_page`.
pub const ENT_MAX_PER_PAGE: u64 = 100;
/// Passwords hashed per blocking task.
const HASH_CHUNK: usize = 50;
/// How long a chunk of ENT passwords waits for the argon2 bound (logins pass first).
const BATCH_HASH_WAIT: std::time::Duration = std::time::Duration::from_secs(60);
const MAX_NAME: usize = 100;

/// Search criteria and page.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EntSearchQuery {
    /// Family name prefix, accents and case ignored.
    pub family_name: Option<String>,
    /// First name prefix, accents and case ignored.
    pub first_name: Option<String>,
    /// « Élève », « Parent », « Personnel de l'Éducation nationale », « Personnel de
    /// l'enseignement agricole », « Personnel de collectivité », « Autre / invité ».
    pub profile: Option<String>,
    /// Subject taught (exact).
    pub subject: Option<String>,
    /// A group id of the establishment: members of it and of its sub-groups.
    pub group: Option<String>,
    /// Exact login (technical search).
    pub login: Option<String>,
    /// Exact user id (technical search).
    pub id: Option<String>,
    /// « Opérationnel » or « Bloqué ».
    pub state: Option<String>,
    /// 1-based page (default 1).
    pub page: Option<u64>,
    /// Users a page (default 20, at most 100).
    pub per_page: Option<u64>,
}

fn trimmed(v: &Option<String>) -> Option<String> {
    v.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

fn bounded(v: &Option<String>, field: &str) -> Result<Option<String>, ApiError> {
    match trimmed(v) {
        Some(s) if s.chars().count() > MAX_NAME => Err(ApiError::field(
            field,
            format!("{MAX_NAME} caractères au plus."),
        )),
        other => Ok(other),
    }
}

fn profile_of(v: &str) -> Option<&'static str> {
    PROFILES.iter().copied().find(|p| *p == v.trim())
}

fn unknown_profile(field: &str, v: &str) -> ApiError {
    ApiError::field(
        field,
        format!(
            "Profil inconnu : {v}. Profils possibles : {}.",
            PROFILES.join(", ")
        ),
    )
}

/// The store's filter for the criteria; `prefix` names the fields inside a body.
async fn to_filter(
    scoped: &Scoped,
    f: &EntUserFilters,
    prefix: &str,
) -> Result<EntFilter, ApiError> {
    let name = |f: &str| format!("{prefix}{f}");
    let profile = match trimmed(&f.profile) {
        Some(p) => Some(
            profile_of(&p)
                .ok_or_else(|| unknown_profile(&name("profile"), &p))?
                .to_owned(),
        ),
        None => None,
    };
    let groups = match trimmed(&f.group) {
        Some(g) => {
            let all = scoped.store().ent_groups().await?;
            if !all.iter().any(|x| x.id == g) {
                return Err(ApiError::field(
                    &name("group"),
                    "Ce groupe n'existe pas dans l'établissement.",
                ));
            }
            Some(with_descendants(&all, &g))
        }
        None => None,
    };
    Ok(EntFilter {
        family_name: bounded(&f.family_name, &name("family_name"))?,
        first_name: bounded(&f.first_name, &name("first_name"))?,
        profile,
        subject: bounded(&f.subject, &name("subject"))?,
        groups,
        login: bounded(&f.login, &name("login"))?,
        id: bounded(&f.id, &name("id"))?,
        state: match trimmed(&f.state) {
            None => None,
            Some(s) if s == STATE_OPERATIONAL || s == STATE_BLOCKED => Some(s),
            Some(_) => {
                return Err(ApiError::field(
                    &name("state"),
                    "L'état doit être « Opérationnel » ou « Bloqué ».",
                ))
            }
        },
    })
}

/// Table rows with their group names.
async fn items(scoped: &Scoped, rows: Vec<EntUserRow>) -> Result<Vec<EntUser>, ApiError> {
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut groups: HashMap<String, Vec<String>> = HashMap::new();
    for (user, name) in scoped.store().ent_group_names_of(&ids).await? {
        groups.entry(user).or_default().push(name);
    }
    Ok(rows
        .into_iter()
        .map(|r| EntUser {
            groups: groups.remove(&r.id).unwrap_or_default(),
            id: r.id,
            login: r.login,
            family_name: r.family_name,
            first_name: r.first_name,
            profile: r.profile,
            state: r.state,
            establishment: scoped.establishment.name.clone(),
            subject: r.subject,
            email: r.email,
        })
        .collect())
}

fn display_name(first_name: &str, family_name: &str) -> String {
    format!("{first_name} {family_name}")
}

/// Fresh provisional passwords and their argon2id hashes, hashed off the async workers.
async fn passwords_for(state: &AppState, n: usize) -> Result<Vec<(String, String)>, ApiError> {
    let mut out = Vec::with_capacity(n);
    let mut left = n;
    while left > 0 {
        let k = left.min(HASH_CHUNK);
        left -= k;
        let hasher = state.hasher.clone();
        let chunk = state
            .hashing
            .run_waiting(BATCH_HASH_WAIT, move |scratch| {
                (0..k)
                    .map(|_| {
                        let pw = generate_provisional_os();
                        hasher.hash_with(&pw, scratch).map(|h| (pw, h))
                    })
                    .collect::<Result<Vec<_>, _>>()
            })
            .await??;
        out.extend(chunk);
    }
    Ok(out)
}

/// Search the directory (« recherche simple / avancée / technique »).
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUaiPath, EntSearchQuery),
    responses(
        (status = 200, body = EntUserPage),
        ScopedInputProblems,
    ))]
#[get("/api/v1/ent/establishments/{uai}/users")]
pub async fn search(
    scoped: Allowed<can::EntDirectoryRead>,
    query: HtmlQuery<EntSearchQuery>,
) -> ApiResult<web::Json<EntUserPage>> {
    let q = query.0;
    let page = q.page.unwrap_or(1);
    if page == 0 || page > MAX_PAGE {
        return Err(ApiError::field(
            "page",
            format!("La page est comprise entre 1 et {MAX_PAGE}."),
        ));
    }
    let per_page = q.per_page.unwrap_or(ENT_PER_PAGE);
    if per_page == 0 || per_page > ENT_MAX_PER_PAGE {
        return Err(ApiError::field(
            "per_page",
            format!("Entre 1 et {ENT_MAX_PER_PAGE} utilisateurs par page."),
        ));
    }
    let filters = EntUserFilters {
        family_name: q.family_name,
        first_name: q.first_name,
        profile: q.profile,
        subject: q.subject,
        group: q.group,
        login: q.login,
        id: q.id,
        state: q.state,
    };
    let filter = to_filter(&scoped, &filters, "").await?;
    let (rows, total) = scoped
        .store()
        .search_ent_users(&filter, page, per_page)
        .await?;
    let items = items(&scoped, rows).await?;
    Ok(web::Json(EntUserPage {
        items,
        total,
        page,
        per_page,
        last_page: total.div_ceil(per_page).max(1),
    }))
}

fn node(
    g: &EntGroup,
    children: &HashMap<Option<String>, Vec<&EntGroup>>,
    members: &HashMap<String, Vec<String>>,
    all: &[EntGroup],
) -> Result<EntGroupNode, ApiError> {
    let mut people: Vec<&String> = with_descendants(all, &g.id)
        .iter()
        .filter_map(|id| members.get(id))
        .flatten()
        .collect();
    people.sort();
    people.dedup();
    Ok(EntGroupNode {
        id: g.id.clone(),
        name: g.name.clone(),
        kind: g.kind()?,
        member_count: people.len() as u64,
        children: children
            .get(&Some(g.id.clone()))
            .map(|c| c.iter().map(|x| node(x, children, members, all)).collect())
            .transpose()?
            .unwrap_or_default(),
    })
}

/// The group tree: the establishment, then « Groupes pédagogiques » → « Classes » → classes…
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUaiPath),
    responses(
        (status = 200, body = EntGroupNode),
        ScopedProblems,
    ))]
#[get("/api/v1/ent/establishments/{uai}/groups")]
pub async fn group_tree(
    scoped: Allowed<can::EntDirectoryRead>,
) -> ApiResult<web::Json<EntGroupNode>> {
    let est = &scoped.establishment;
    let all = scoped.store().ent_groups().await?;
    let mut members: HashMap<String, Vec<String>> = HashMap::new();
    for (user, group) in scoped.store().ent_memberships().await? {
        members.entry(group).or_default().push(user);
    }
    let known: std::collections::HashSet<&str> = all.iter().map(|g| g.id.as_str()).collect();
    let mut children: HashMap<Option<String>, Vec<&EntGroup>> = HashMap::new();
    for g in &all {
        // A parent outside the establishment would hide the group: hang it at the root.
        let parent = g.parent_id.clone().filter(|p| known.contains(p.as_str()));
        children.entry(parent).or_default().push(g);
    }
    let roots = children
        .get(&None)
        .map(|c| {
            c.iter()
                .map(|g| node(g, &children, &members, &all))
                .collect::<Result<Vec<_>, _>>()
        })
        .transpose()?
        .unwrap_or_default();
    Ok(web::Json(EntGroupNode {
        id: est.uai.clone(),
        name: est.name.clone(),
        kind: sesame_core::EntGroupKind::Establishment,
        member_count: scoped.store().count_ent_users().await?,
        children: roots,
    }))
}

/// The subjects taught in the directory (« Matière enseignée »): only this establishment's.
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUaiPath),
    responses(
        (status = 200, body = EntSubjects),
        ScopedProblems,
    ))]
#[get("/api/v1/ent/establishments/{uai}/subjects")]
pub async fn subjects(scoped: Allowed<can::EntDirectoryRead>) -> ApiResult<web::Json<EntSubjects>> {
    Ok(web::Json(EntSubjects {
        subjects: scoped.store().ent_subjects().await?,
    }))
}

/// « Régénérer le mot de passe » for one user or a selection: new provisional passwords, to be
/// changed at first login, with the ready-to-copy messages. All or nothing.
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUaiPath),
    request_body = EntRegenerateRequest,
    responses(
        (status = 200, body = EntRegenerateResponse),
        ScopedInputProblems,
    ))]
#[post("/api/v1/ent/establishments/{uai}/users/regenerate-password")]
pub async fn regenerate_password(
    state: web::Data<AppState>,
    scoped: Allowed<can::EntDirectoryWrite>,
    body: ApiJson<EntRegenerateRequest>,
) -> ApiResult<web::Json<EntRegenerateResponse>> {
    let ids =
        match (&body.ids, &body.all_matching) {
            (Some(_), Some(_)) => {
                return Err(ApiError::field(
                    "ids",
                    "Donnez soit `ids`, soit `all_matching`, pas les deux.",
                ))
            }
            (None, None) => return Err(ApiError::field(
                "ids",
                "Sélectionnez des utilisateurs (`ids`) ou toute une recherche (`all_matching`).",
            )),
            (Some(ids), None) => {
                if ids.is_empty() {
                    return Err(ApiError::field("ids", "Aucun utilisateur sélectionné."));
                }
                if ids.len() > MAX_IDS {
                    return Err(ApiError::field(
                        "ids",
                        format!("{MAX_IDS} utilisateurs au plus ; utilisez `all_matching`."),
                    ));
                }
                let mut unique = ids.clone();
                unique.sort();
                unique.dedup();
                unique
            }
            (None, Some(f)) => {
                let filter = to_filter(&scoped, f, "all_matching.").await?;
                scoped.store().ent_user_ids_matching(&filter).await?
            }
        };
    let users = scoped.store().ent_users_by_ids(&ids).await?;
    if users.len() != ids.len() {
        // An id of another establishment is as unknown as one that does not exist.
        return Err(ApiError::NotFound);
    }
    let passwords = passwords_for(&state, users.len()).await?;
    let hashes: Vec<(String, String)> = users
        .iter()
        .zip(&passwords)
        .map(|(u, (_, h))| (u.id.clone(), h.clone()))
        .collect();
    scoped
        .store()
        .set_ent_passwords(&hashes, scoped.audit("ent.user.regenerate_password"))
        .await?;
    let results = users
        .into_iter()
        .zip(passwords)
        .map(|(u, (password, _))| EntCredentials {
            message: ent_credentials_message(
                &display_name(&u.first_name, &u.family_name),
                &u.login,
                &password,
            ),
            id: u.id,
            login: u.login,
            password,
        })
        .collect();
    Ok(web::Json(EntRegenerateResponse { results }))
}

/// « Créer un utilisateur »: login `prenom.nom` (numbered from 2 for homonyms), a first
/// provisional password and its message.
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUaiPath),
    request_body = NewEntUser,
    responses(
        (status = 201, body = EntUserCreated),
        ScopedInputProblems,
    ))]
#[post("/api/v1/ent/establishments/{uai}/users")]
pub async fn create(
    state: web::Data<AppState>,
    scoped: Allowed<can::EntDirectoryWrite>,
    body: ApiJson<NewEntUser>,
) -> ApiResult<HttpResponse> {
    let body = body.into_inner();
    let mut errors = Vec::new();
    let mut err = |field: &str, message: String| {
        errors.push(sesame_api::FieldError {
            field: field.to_owned(),
            message,
        })
    };
    let family_name = body.family_name.trim().to_owned();
    let first_name = body.first_name.trim().to_owned();
    for (field, v) in [("family_name", &family_name), ("first_name", &first_name)] {
        if v.is_empty() {
            err(field, "Ce champ est obligatoire.".into());
        } else if v.chars().count() > MAX_NAME {
            err(field, format!("{MAX_NAME} caractères au plus."));
        } else if v.chars().any(char::is_control) {
            err(field, "Caractères non autorisés.".into());
        }
    }
    let profile = profile_of(&body.profile);
    if profile.is_none() {
        let e = unknown_profile("profile", &body.profile);
        if let ApiError::Validation(v) = e {
            err("profile", v[0].message.clone());
        }
    }
    let email = trimmed(&body.email);
    if let Some(e) = &email {
        if !valid_email(e) {
            err("email", "Adresse électronique invalide.".into());
        }
    }
    let subject = trimmed(&body.subject);
    if subject
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_NAME)
    {
        err("subject", format!("{MAX_NAME} caractères au plus."));
    }
    if !body.groups.is_empty() {
        let known = scoped.store().ent_groups().await?;
        if body.groups.len() > 200 {
            err("groups", "Trop de groupes.".into());
        } else if let Some(bad) = body
            .groups
            .iter()
            .find(|g| !known.iter().any(|k| &k.id == *g))
        {
            err(
                "groups",
                format!("Le groupe {bad} n'existe pas dans l'établissement."),
            );
        }
    }
    let mut login_base = None;
    if !family_name.is_empty() && !first_name.is_empty() {
        match ent_login(&first_name, &family_name) {
            Ok(base) => login_base = Some(base),
            Err(e) => {
                let field = if fold_is_empty(&first_name) {
                    "first_name"
                } else {
                    "family_name"
                };
                err(field, e.to_string());
            }
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::Validation(errors));
    }
    let (Some(profile), Some(login_base)) = (profile, login_base) else {
        return Err(ApiError::internal("validated input is incomplete"));
    };
    let (password, hash) = passwords_for(&state, 1)
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("no password generated"))?;
    let new = sesame_store::repo::ent::NewEntUser {
        uai: scoped.uai().to_owned(),
        family_name,
        first_name,
        profile: profile.to_owned(),
        email,
        subject,
        groups: body.groups.clone(),
        login_base,
        password_hash: hash,
    };
    let row = scoped
        .store()
        .create_ent_user(&new, chrono::Utc::now(), scoped.audit("ent.user.create"))
        .await?;
    let message = ent_credentials_message(
        &display_name(&row.first_name, &row.family_name),
        &row.login,
        &password,
    );
    let user = items(&scoped, vec![row])
        .await?
        .pop()
        .ok_or_else(|| ApiError::internal("created user vanished"))?;
    Ok(HttpResponse::Created().json(EntUserCreated {
        user,
        password,
        message,
    }))
}

fn fold_is_empty(s: &str) -> bool {
    sesame_core::identifier::fold_name(s)
        .chars()
        .all(|c| c == '-')
}

async fn set_state(
    scoped: Allowed<can::EntDirectoryWrite>,
    id: &str,
    new_state: &str,
    action: &str,
) -> ApiResult<web::Json<EntUser>> {
    let row = scoped
        .store()
        .set_ent_user_state(id, new_state, scoped.audit(action))
        .await?
        .ok_or(ApiError::NotFound)?;
    let user = items(&scoped, vec![row])
        .await?
        .pop()
        .ok_or(ApiError::NotFound)?;
    Ok(web::Json(user))
}

/// Blocks a user (state « Bloqué »).
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUserPath),
    responses(
        (status = 200, body = EntUser),
        ScopedProblems,
    ))]
#[post("/api/v1/ent/establishments/{uai}/users/{id}/block")]
pub async fn block(
    scoped: Allowed<can::EntDirectoryWrite>,
    id: PathId,
) -> ApiResult<web::Json<EntUser>> {
    set_state(scoped, &id, STATE_BLOCKED, "ent.user.block").await
}

/// Unblocks a user (state « Opérationnel »).
#[utoipa::path(tag = "ent",
    security(("bearer" = [])),
    params(EntUserPath),
    responses(
        (status = 200, body = EntUser),
        ScopedProblems,
    ))]
#[post("/api/v1/ent/establishments/{uai}/users/{id}/unblock")]
pub async fn unblock(
    scoped: Allowed<can::EntDirectoryWrite>,
    id: PathId,
) -> ApiResult<web::Json<EntUser>> {
    set_state(scoped, &id, STATE_OPERATIONAL, "ent.user.unblock").await
}
