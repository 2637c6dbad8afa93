//! One establishment's slice of the store. Every read or change of an establishment's data —
//! accounts, links, structure, statistics, ENT directory, imports, settings, delegations,
//! journal — is a method of [`Tenant`], which owns the establishment's UAI and puts it in every
//! query and every audit event. The [`Store`] methods behind them are crate-private, so code
//! outside this crate cannot read or change an account without naming its establishment, and
//! a foreign id behaves exactly like an unknown one (`None` / [`StoreError::NotFound`]).
//!
//! Which establishment a caller may have is not decided here: the server's access layer
//! (`Caller::authorize`) is the only place that calls [`Store::tenant`] for a request.

use chrono::{DateTime, Utc};
use sesame_core::Population;
use sesame_imports::ImportPlan;

use crate::entities::{class::Model as Class, mef::Model as Mef};
use crate::error::Result;
use crate::repo::accounts::{AccountDetail, ContactChange};
use crate::repo::audit::{AuditEvent, AuditFilter, NewAuditEvent};
use crate::repo::credentials::{Operation, Outcome};
use crate::repo::delegations::DelegationView;
use crate::repo::ent::{EntFilter, EntGroup, EntUserRow, NewEntUser};
use crate::repo::identifiers::{ScheduleError, ScheduledChange};
use crate::repo::imports::ImportOutcome;
use crate::repo::search::{
    AccountFilter, AccountRow, CursorError, LinkedStudent, Search, SearchPage, StandingVersion,
};
use crate::repo::settings::{NotificationSetting, SettingChange};
use crate::repo::statistics::{Grouping, Statistics};
use crate::{SecretBox, Store};

/// The store seen from one establishment. Cheap to clone; owns what it needs, so a job can
/// carry it to another task.
#[derive(Clone, Debug)]
pub struct Tenant {
    store: Store,
    uai: String,
}

impl Store {
    /// The establishment `uai`'s slice of the store. Request handlers get one only from the
    /// access layer, after the caller was authorised there (a source test enforces it); the
    /// CLI and the scheduler act as the system.
    pub fn tenant(&self, uai: &str) -> Tenant {
        Tenant {
            store: self.clone(),
            uai: uai.trim().to_uppercase(),
        }
    }
}

impl Tenant {
    pub fn uai(&self) -> &str {
        &self.uai
    }

    // --- Accounts -------------------------------------------------------------------------

    /// A page of the console's search, by number or after a cursor; `Err(CursorError)` when
    /// the cursor cannot continue this search.
    pub async fn search_accounts(
        &self,
        search: &Search,
    ) -> Result<std::result::Result<SearchPage, CursorError>> {
        self.store.search_accounts(&self.uai, search).await
    }

    /// [`Tenant::search_accounts`] while the caller's standing is still `standing`; `None`
    /// when it changed since it was read (the caller must then be read and authorised again).
    pub async fn search_accounts_confirmed(
        &self,
        search: &Search,
        standing: &StandingVersion,
    ) -> Result<std::result::Result<Option<SearchPage>, CursorError>> {
        self.store
            .search_accounts_confirmed(&self.uai, search, standing)
            .await
    }

    /// The SQL of [`Tenant::search_accounts`] (for benchmarks and `EXPLAIN`): with `inline`,
    /// values in the text; without, the prepared statement and its values.
    pub fn search_sql(
        &self,
        search: &Search,
        inline: bool,
    ) -> std::result::Result<(String, Vec<String>), CursorError> {
        self.store.search_sql(&self.uai, search, inline)
    }

    /// The rows of `ids` that are here (others are left out), sorted for documents.
    pub async fn account_rows(
        &self,
        population: Population,
        ids: &[String],
    ) -> Result<Vec<AccountRow>> {
        self.store.account_rows(&self.uai, population, ids).await
    }

    /// Every account matching `filter` (an `all_matching` selection).
    pub async fn matching_account_ids(
        &self,
        population: Population,
        filter: &AccountFilter,
    ) -> Result<Vec<String>> {
        self.store
            .matching_account_ids(&self.uai, population, filter)
            .await
    }

    /// Which of `ids` are accounts of `population` here, in the order given.
    pub async fn accounts_in_scope(
        &self,
        population: Population,
        ids: &[String],
    ) -> Result<Vec<String>> {
        self.store
            .accounts_in_scope(&self.uai, population, ids)
            .await
    }

    /// Which population of this establishment `id` belongs to; `None` when it is none of
    /// them (another establishment's account, or no account at all).
    pub async fn population_of(&self, id: &str) -> Result<Option<Population>> {
        for population in [
            Population::Students,
            Population::Guardians,
            Population::ExternalStudents,
        ] {
            if !self
                .accounts_in_scope(population, &[id.to_owned()])
                .await?
                .is_empty()
            {
                return Ok(Some(population));
            }
        }
        Ok(None)
    }

    /// The students here linked to each of `guardian_ids`.
    pub async fn linked_students(&self, guardian_ids: &[String]) -> Result<Vec<LinkedStudent>> {
        self.store.linked_students(&self.uai, guardian_ids).await
    }

    /// The students here linked to each of `guardian_ids` that `filter`'s pupil-side
    /// conditions (class, MEF, pupil's name, reported link) keep.
    pub async fn linked_students_matching(
        &self,
        guardian_ids: &[String],
        filter: &crate::repo::search::AccountFilter,
    ) -> Result<Vec<LinkedStudent>> {
        self.store
            .linked_students_matching(&self.uai, guardian_ids, filter)
            .await
    }

    /// "Informations du compte"; `None` when `id` is not an account of `population` here.
    pub async fn account_detail(
        &self,
        population: Population,
        id: &str,
    ) -> Result<Option<AccountDetail>> {
        self.store.account_detail(&self.uai, population, id).await
    }

    /// "Modifier le compte", with its audit event, in one transaction.
    pub async fn update_contact(
        &self,
        population: Population,
        id: &str,
        change: ContactChange,
        audit: NewAuditEvent,
    ) -> Result<()> {
        self.store
            .update_contact(&self.uai, population, id, change, audit)
            .await
    }

    /// Notification or password reset of `ids`, all or nothing, every account audited.
    pub async fn apply_credentials(
        &self,
        population: Population,
        ids: &[String],
        op: Operation,
        secrets: &SecretBox,
        audit: NewAuditEvent,
    ) -> Result<Vec<Outcome>> {
        self.store
            .apply_credentials(&self.uai, population, ids, op, secrets, audit)
            .await
    }

    pub async fn schedule_identifier_change(
        &self,
        population: Population,
        id: &str,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<std::result::Result<ScheduledChange, ScheduleError>> {
        self.store
            .schedule_identifier_change(&self.uai, population, id, now, audit)
            .await
    }

    pub async fn cancel_identifier_change(
        &self,
        population: Population,
        id: &str,
        audit: NewAuditEvent,
    ) -> Result<bool> {
        self.store
            .cancel_identifier_change(&self.uai, population, id, audit)
            .await
    }

    // --- Structure, statistics, settings --------------------------------------------------

    pub async fn classes(&self) -> Result<Vec<Class>> {
        self.store.classes(&self.uai).await
    }

    pub async fn mefs(&self) -> Result<Vec<Mef>> {
        self.store.mefs(&self.uai).await
    }

    pub async fn statistics(&self, population: Population, by: Grouping) -> Result<Statistics> {
        self.store.statistics(&self.uai, population, by).await
    }

    pub async fn notification_setting(&self, population: &str) -> Result<NotificationSetting> {
        self.store.notification_setting(&self.uai, population).await
    }

    pub async fn active_notification_url(&self, population: &str) -> Result<Option<String>> {
        self.store
            .active_notification_url(&self.uai, population)
            .await
    }

    pub async fn change_notification_setting(
        &self,
        population: &str,
        change: SettingChange<'_>,
        audit: NewAuditEvent,
    ) -> Result<NotificationSetting> {
        self.store
            .change_notification_setting(&self.uai, population, change, audit.uai(&self.uai))
            .await
    }

    // --- Delegations and journal ----------------------------------------------------------

    pub async fn delegations(&self) -> Result<Vec<DelegationView>> {
        self.store.delegations(&self.uai).await
    }

    pub async fn grant_delegation(
        &self,
        staff_id: &str,
        module: &str,
        granted_by: &str,
        audit: NewAuditEvent,
    ) -> Result<String> {
        self.store
            .grant_delegation(
                &self.uai,
                staff_id,
                module,
                granted_by,
                audit.uai(&self.uai),
            )
            .await
    }

    pub async fn revoke_delegation(
        &self,
        id: &str,
        revoked_by: &str,
        audit: NewAuditEvent,
    ) -> Result<()> {
        self.store
            .revoke_delegation(&self.uai, id, revoked_by, audit.uai(&self.uai))
            .await
    }

    /// Usernames of the staff holding a role here (their logins belong in the journal).
    pub async fn staff_usernames(&self) -> Result<Vec<String>> {
        self.store.staff_usernames_at(&self.uai).await
    }

    /// Records an event that goes with no change (a list printed, a refused attempt).
    pub async fn audit(&self, event: NewAuditEvent) -> Result<()> {
        self.store.audit(event.uai(&self.uai)).await
    }

    /// The journal of this establishment (plus the logins of `filter.unscoped_actors`).
    pub async fn audit_events(
        &self,
        mut filter: AuditFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<AuditEvent>, u64)> {
        filter.uai = Some(self.uai.clone());
        self.store.audit_events(&filter, page, per_page).await
    }

    // --- Imports --------------------------------------------------------------------------

    /// Previews (`dry_run`) or applies an import into this establishment. Pupils enrolled at
    /// another establishment are never taken over; a mass leave needs `allow_mass_leave`.
    pub async fn import_plan(
        &self,
        plan: &ImportPlan,
        dry_run: bool,
        allow_mass_leave: bool,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<ImportOutcome> {
        self.store
            .import_plan(
                &self.uai,
                plan,
                dry_run,
                allow_mass_leave,
                now,
                audit.uai(&self.uai),
            )
            .await
    }

    // --- ENT directory --------------------------------------------------------------------

    pub async fn ent_groups(&self) -> Result<Vec<EntGroup>> {
        self.store.ent_groups(&self.uai).await
    }

    pub async fn ent_memberships(&self) -> Result<Vec<(String, String)>> {
        self.store.ent_memberships(&self.uai).await
    }

    pub async fn ent_subjects(&self) -> Result<Vec<String>> {
        self.store.ent_subjects(&self.uai).await
    }

    pub async fn count_ent_users(&self) -> Result<u64> {
        self.store.count_ent_users(&self.uai).await
    }

    pub async fn search_ent_users(
        &self,
        filter: &EntFilter,
        page: u64,
        per_page: u64,
    ) -> Result<(Vec<EntUserRow>, u64)> {
        self.store
            .search_ent_users(&self.uai, filter, page, per_page)
            .await
    }

    pub async fn ent_user_ids_matching(&self, filter: &EntFilter) -> Result<Vec<String>> {
        self.store.ent_user_ids_matching(&self.uai, filter).await
    }

    pub async fn ent_users_by_ids(&self, ids: &[String]) -> Result<Vec<EntUserRow>> {
        self.store.ent_users_by_ids(&self.uai, ids).await
    }

    pub async fn ent_group_names_of(&self, ids: &[String]) -> Result<Vec<(String, String)>> {
        self.store.ent_group_names_of(&self.uai, ids).await
    }

    pub async fn set_ent_passwords(
        &self,
        hashes: &[(String, String)],
        audit: NewAuditEvent,
    ) -> Result<()> {
        self.store.set_ent_passwords(&self.uai, hashes, audit).await
    }

    pub async fn set_ent_user_state(
        &self,
        id: &str,
        state: &str,
        audit: NewAuditEvent,
    ) -> Result<Option<EntUserRow>> {
        self.store
            .set_ent_user_state(&self.uai, id, state, audit)
            .await
    }

    /// Creates a user here, whatever establishment `new` names.
    pub async fn create_ent_user(
        &self,
        new: &NewEntUser,
        now: DateTime<Utc>,
        audit: NewAuditEvent,
    ) -> Result<EntUserRow> {
        if new.uai != self.uai {
            let mut here = new.clone();
            here.uai = self.uai.clone();
            return self
                .store
                .create_ent_user(&here, now, audit.uai(&self.uai))
                .await;
        }
        self.store
            .create_ent_user(new, now, audit.uai(&self.uai))
            .await
    }
}
