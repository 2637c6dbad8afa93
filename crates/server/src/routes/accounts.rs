//! Search and detail of students, external students and guardians; "Modifier le compte".

use actix_web::{get, patch, web};
use serde::Deserialize;
use sesame_api::accounts::{
    AccountDetail, AccountItem, ClassInfo, ContactPatch, DataSource, LinkedPerson, MefInfo,
    PendingIdentifierChange, SearchFilters, Structure,
};
use sesame_api::Page;
use sesame_core::contact::{valid_email, valid_phone};
use sesame_core::lifecycle::visible_provisional_password;
use sesame_core::permissions::Action;
use sesame_core::{AccountState, Origin, Population};
use sesame_store::repo::accounts::{pending_change, ContactChange};
use sesame_store::repo::search::{
    AccountRow, Cursor, CursorError, PageStart, Search, SearchPage, SortKey,
};
use utoipa::IntoParams;

use crate::auth::{can, Allowed, Bearer, Scoped};
use crate::problem::{ApiError, ApiResult};
use crate::routes::extract::{ApiJson, HtmlQuery, PathId};
use crate::routes::paging::PageQuery;
use crate::routes::path_params::{AccountPath, UaiPath};
use crate::routes::responses::{NotFound, ScopedInputProblems, ScopedProblems, Unauthenticated};
use crate::routes::selection::to_filter;
use crate::state::AppState;

/// Search filters (repeat `class`, `mef`, `state`, `origin` for several values).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Name or first name: prefix, accents and case ignored.
    pub q: Option<String>,
    /// Class codes.
    #[serde(default)]
    pub class: Vec<String>,
    /// MEF short labels or codes.
    #[serde(default)]
    pub mef: Vec<String>,
    /// Account states.
    #[serde(default)]
    pub state: Vec<AccountState>,
    /// Guardians: a linked student's name.
    pub student: Option<String>,
    /// Guardians: with or without an email address.
    pub has_email: Option<bool>,
    /// Account origins (`guardian` and `franceconnect`: guardians only).
    #[serde(default)]
    pub origin: Vec<Origin>,
    /// Guardians: a link reported as wrong.
    pub link_reported: Option<bool>,
    /// External students: home establishment.
    pub home_uai: Option<String>,
    /// 1-based page (ignored with `after`).
    pub page: Option<u64>,
    /// The `next` of the previous page: this page starts right after it (same filters and
    /// sort). The answer's `page` then says where it falls.
    pub after: Option<String>,
    /// At most 500.
    pub per_page: Option<u64>,
    /// `family_name` (default), `first_name`, `class`, `state`, `identifier`, `notified_at`,
    /// `last_login_at`; prefix with `-` for descending.
    pub sort: Option<String>,
}

impl SearchQuery {
    fn filters(&self) -> SearchFilters {
        SearchFilters {
            q: self.q.clone(),
            class: self.class.clone(),
            mef: self.mef.clone(),
            state: self.state.clone(),
            student: self.student.clone(),
            has_email: self.has_email,
            origin: self.origin.clone(),
            link_reported: self.link_reported,
            home_uai: self.home_uai.clone(),
        }
    }
}

/// The provisional password a troubleshooting table may show (list rule), decrypted.
pub fn shown_password(
    state: &AppState,
    scoped: &Scoped,
    id: &str,
    st: AccountState,
    enc: Option<&str>,
) -> Result<Option<String>, ApiError> {
    if !scoped.troubleshooting() {
        return Ok(None);
    }
    let clear = match enc {
        Some(enc) if st == AccountState::NotifiedNotActivated => Some(state.secrets.open(enc, id)?),
        _ => None,
    };
    Ok(visible_provisional_password(st, clear.as_deref()))
}

fn item(state: &AppState, scoped: &Scoped, r: AccountRow) -> Result<AccountItem, ApiError> {
    let account_state = r.state;
    let provisional_password = shown_password(
        state,
        scoped,
        &r.id,
        account_state,
        r.provisional_password_enc.as_deref(),
    )?;
    Ok(AccountItem {
        provisional_password,
        id: r.id,
        family_name: r.family_name,
        first_name: r.first_name,
        class: r.class,
        mef: r.mef,
        identifier: r.identifier,
        state: account_state,
        origin: r.origin,
        notified_at: r.notified_at,
        last_login_at: r.last_login_at,
        email: r.email,
        home_uai: r.home_uai,
        home_name: r.home_name,
        students: vec![],
    })
}

/// The search a query asks for, or the field it gets wrong.
fn search_of(population: Population, query: SearchQuery) -> Result<Search, ApiError> {
    let filter = to_filter(population, &query.filters())?;
    let (page, per_page) = PageQuery {
        page: query.page,
        per_page: query.per_page,
    }
    .resolve()?;
    let sort = match query.sort.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => SortKey::parse(s)
            .ok_or_else(|| ApiError::field("sort", format!("Tri inconnu : {s}")))?,
        None => (SortKey::default(), false),
    };
    let start = match query.after.as_deref().filter(|s| !s.is_empty()) {
        Some(after) => PageStart::After(Cursor::decode(after).ok_or_else(|| {
            ApiError::field("after", "Curseur de page invalide : reprenez la recherche.")
        })?),
        None => PageStart::Page(page),
    };
    Ok(Search {
        population,
        filter,
        sort,
        start,
        per_page,
    })
}

/// Search the accounts of a population (the console's result table).
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(("uai" = String, Path, description = "UAI", example = "0450750W"), ("population" = Population, Path), SearchQuery),
    responses(
        (status = 200, body = Page<AccountItem>),
        ScopedInputProblems,
    ))]
#[get("/api/v1/establishments/{uai}/{population:students|external-students|guardians}")]
pub async fn search(
    state: web::Data<AppState>,
    bearer: Bearer,
    path: web::Path<(String, Population)>,
    query: HtmlQuery<SearchQuery>,
) -> ApiResult<web::Json<Page<AccountItem>>> {
    let (uai, population) = path.into_inner();
    let action = Action::SearchAccounts(population);
    let search = match search_of(population, query.0) {
        Ok(search) => search,
        Err(e) => {
            // A search that cannot be read still answers 401 / 403 / 404 first, as every
            // other request of a foreign establishment does.
            bearer.check(&state, &uai, action).await?;
            return Err(e);
        }
    };
    let (scoped, found) = bearer.search(&state, &uai, action, &search).await?;
    let found = found.map_err(|e| {
        ApiError::field(
            "after",
            match e {
                CursorError::OtherSort => "Ce curseur suit un autre tri : reprenez la recherche.",
                CursorError::Malformed => "Curseur de page invalide : reprenez la recherche.",
            },
        )
    })?;
    let (filter, per_page) = (search.filter, search.per_page);
    let SearchPage {
        rows,
        total,
        page,
        next,
    } = found;
    let ids: Vec<String> = rows.iter().map(|r| r.id.clone()).collect();
    let mut items = rows
        .into_iter()
        .map(|r| item(&state, &scoped, r))
        .collect::<Result<Vec<_>, _>>()?;
    if population == Population::Guardians {
        // One row per pupil–guardian pair on screen: the pupils the search's pupil-side
        // filters keep (a class filter lists that class's pairs only).
        let links = scoped
            .store()
            .linked_students_matching(&ids, &filter)
            .await?;
        for it in &mut items {
            it.students = links
                .iter()
                .filter(|l| l.guardian_id == it.id)
                .map(|l| LinkedPerson {
                    id: l.student_id.clone(),
                    family_name: l.family_name.clone(),
                    first_name: l.first_name.clone(),
                    identifier: None,
                    state: None,
                    class: l.class.clone(),
                    mef: l.mef.clone(),
                    level: l.level.clone(),
                    relationship: l.relationship.clone(),
                    reported_wrong: l.reported_wrong,
                })
                .collect();
        }
    }
    Ok(web::Json(Page {
        items,
        total,
        page,
        per_page,
        next: next.map(|c| c.encode()),
    }))
}

/// "Informations du compte": identity, state, sources, links, pending identifier change.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(AccountPath),
    responses(
        (status = 200, body = AccountDetail),
        ScopedProblems,
    ))]
#[get("/api/v1/establishments/{uai}/{population:students|external-students|guardians}/{id}")]
pub async fn detail(
    state: web::Data<AppState>,
    scoped: Allowed<can::ViewAccount>,
    id: PathId,
) -> ApiResult<web::Json<AccountDetail>> {
    let population = scoped.population();
    Ok(web::Json(
        load_detail(&state, &scoped, population, &id).await?,
    ))
}

async fn load_detail(
    state: &AppState,
    scoped: &Scoped,
    population: Population,
    id: &str,
) -> Result<AccountDetail, ApiError> {
    let d = scoped
        .store()
        .account_detail(population, id)
        .await?
        .ok_or(ApiError::NotFound)?;
    let a = &d.account;
    // What the caller's module shows: the troubleshooting module sees no guardian and no
    // contact data beyond the e-mail address.
    let view = scoped.account_view();
    let links: Vec<LinkedPerson> = d
        .links
        .iter()
        .filter(|_| view.shows_linked_people())
        .map(|l| {
            Ok(LinkedPerson {
                id: l.id.clone(),
                family_name: l.family_name.clone(),
                first_name: l.first_name.clone(),
                identifier: Some(l.identifier.clone()),
                state: l.state,
                class: l.class.clone(),
                mef: None,
                level: None,
                relationship: l.relationship.clone(),
                reported_wrong: l.reported_wrong,
            })
        })
        .collect::<Result<_, ApiError>>()?;
    let account_state = a.state()?;
    let (guardians, students) = if population == Population::Guardians {
        (vec![], links)
    } else {
        (links, vec![])
    };
    Ok(AccountDetail {
        provisional_password: shown_password(
            state,
            scoped,
            &a.id,
            account_state,
            a.provisional_password_enc.as_deref(),
        )?,
        id: a.id.clone(),
        kind: a.kind()?,
        family_name: d.family_name.clone(),
        first_name: d.first_name.clone(),
        class: d.class.clone(),
        mef: d.mef.clone(),
        mef_label: d.mef_label.clone(),
        identifier: a.identifier.clone(),
        birth_date: d.birth_date,
        ine: d.ine.clone(),
        email: a.email.clone(),
        email_validated: a.email_validated,
        phone: a.phone.clone().filter(|_| view.shows_phone()),
        state: account_state,
        origin: a.origin()?,
        notified_at: a.notified_at,
        distributed_at: a.distributed_at,
        activated_at: a.activated_at,
        last_login_at: a.last_login_at,
        home_uai: d.home_uai.clone(),
        sources: d
            .sources
            .iter()
            .map(|s| DataSource {
                source: s.source.clone(),
                academy: s.academy.clone(),
                aaf_id: s.aaf_id.clone(),
                source_id: s.source_id.clone(),
                family_name: s.family_name.clone(),
                first_name: s.first_name.clone(),
            })
            .collect(),
        guardians,
        students,
        pending_identifier_change: pending_change(a).map(|(new_identifier, effective_at)| {
            PendingIdentifierChange {
                new_identifier,
                effective_at,
            }
        }),
    })
}

/// "Modifier le compte": only the contact data Sésame owns (email, phone); identity comes from
/// the source systems and cannot be edited here.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(AccountPath),
    request_body = ContactPatch,
    responses(
        (status = 200, body = AccountDetail),
        ScopedInputProblems,
    ))]
#[patch("/api/v1/establishments/{uai}/{population:students|external-students|guardians}/{id}")]
pub async fn edit_contact(
    state: web::Data<AppState>,
    scoped: Allowed<can::EditContact>,
    id: PathId,
    body: ApiJson<ContactPatch>,
) -> ApiResult<web::Json<AccountDetail>> {
    let population = scoped.population();
    let body = body.into_inner();
    let clean = |v: Option<String>| v.map(|s| s.trim().to_owned()).filter(|s| !s.is_empty());
    let email = body.email.map(clean);
    let phone = body.phone.map(clean);
    if let Some(Some(e)) = &email {
        if !valid_email(e) {
            return Err(ApiError::field("email", "Adresse électronique invalide."));
        }
    }
    if let Some(Some(p)) = &phone {
        if !valid_phone(p) {
            return Err(ApiError::field("phone", "Numéro de téléphone invalide."));
        }
    }
    let audit = scoped
        .audit("account.contact_update")
        .detail(serde_json::json!({
            "email_changed": email.is_some(),
            "phone_changed": phone.is_some(),
        }));
    scoped
        .store()
        .update_contact(population, &id, ContactChange { email, phone }, audit)
        .await?;
    Ok(web::Json(
        load_detail(&state, &scoped, population, &id).await?,
    ))
}

/// Classes and MEFs of the establishment, for the search filters.
#[utoipa::path(tag = "accounts",
    security(("bearer" = [])),
    params(UaiPath),
    responses(
        (status = 200, body = Structure),
        Unauthenticated, NotFound,
    ))]
#[get("/api/v1/establishments/{uai}/structure")]
pub async fn structure(scoped: Allowed<can::ViewEstablishment>) -> ApiResult<web::Json<Structure>> {
    let mefs = scoped.store().mefs().await?;
    let classes = scoped.store().classes().await?;
    Ok(web::Json(Structure {
        classes: classes
            .into_iter()
            .map(|c| ClassInfo {
                mef: c
                    .mef_id
                    .as_ref()
                    .and_then(|m| mefs.iter().find(|x| &x.id == m))
                    .map(|m| m.short_label.clone()),
                code: c.code,
            })
            .collect(),
        mefs: mefs
            .into_iter()
            .map(|m| MefInfo {
                code: m.code,
                short_label: m.short_label,
                long_label: m.long_label,
            })
            .collect(),
    }))
}
