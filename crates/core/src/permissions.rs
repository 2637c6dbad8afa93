//! Who may do what (domain.md "Who uses it"; seed 001 §1.2, seeds 002 and 003).
//!
//! This answers for a role the user holds in one establishment; the caller first checks that the
//! user holds a role there at all (scope), which is a 404 rather than a 403.

use crate::account::Population;
use crate::wire::wire_enum;

wire_enum! {
    /// A staff user's role in one establishment.
    pub enum Role ("le rôle") {
        /// Chef d'établissement (personnel de direction).
        Head = "head",
        /// Agent with an admin-module delegation.
        Agent = "agent",
        /// Teacher (or agent) with a troubleshooting ("dépannage") delegation.
        Teacher = "teacher",
        /// Local administrator of the ENT directory.
        EntAdmin = "ent_admin",
    }
}

wire_enum! {
    /// The screens a role opens.
    pub enum Module ("le module") {
        /// « Administration des comptes ÉduConnect ».
        Admin = "admin",
        /// « Dépannage des comptes élèves ».
        Troubleshooting = "troubleshooting",
        /// The ENT directory administration.
        Ent = "ent",
    }
}

impl Role {
    pub fn module(&self) -> Module {
        match self {
            Role::Head | Role::Agent => Module::Admin,
            Role::Teacher => Module::Troubleshooting,
            Role::EntAdmin => Module::Ent,
        }
    }

    pub fn label(&self) -> &'static str {
        match self {
            Role::Head => "Chef d'établissement",
            Role::Agent => "Agent délégué",
            Role::Teacher => "Enseignant délégué",
            Role::EntAdmin => "Administrateur ENT",
        }
    }
}

impl Module {
    pub fn label(&self) -> &'static str {
        match self {
            Module::Admin => "Administration des comptes",
            Module::Troubleshooting => "Dépannage des comptes élèves",
            Module::Ent => "Annuaire ENT",
        }
    }
}

/// How much of an account a caller's modules show (domain.md "What each module sees"). The
/// troubleshooting module is the « Dépannage des comptes élèves » screen: students only, with
/// the seed's columns — no guardians and no contact data beyond the e-mail column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountView {
    /// The admin module (and integration clients): the whole account.
    Full,
    /// The troubleshooting module alone.
    Troubleshooting,
}

impl AccountView {
    /// The widest view among the roles held in one establishment: a teacher who is also a
    /// delegated agent sees what the agent sees. No role at all (an integration client,
    /// authorised by its scopes) sees the whole account.
    pub fn for_roles(roles: &[Role]) -> AccountView {
        let troubleshooting_only = !roles.is_empty()
            && roles
                .iter()
                .all(|r| r.module() == Module::Troubleshooting || r.module() == Module::Ent);
        if troubleshooting_only && roles.contains(&Role::Teacher) {
            AccountView::Troubleshooting
        } else {
            AccountView::Full
        }
    }

    /// Guardians of a student (names, identifiers, states, relationships).
    pub fn shows_linked_people(&self) -> bool {
        *self == AccountView::Full
    }

    /// Contact data other than the e-mail address (the phone number).
    pub fn shows_phone(&self) -> bool {
        *self == AccountView::Full
    }
}

/// The admin module is reached with a second factor (OTP key) unless on the administrative
/// network; the troubleshooting module and the ENT directory with a password only
/// (seed 001 §1.2, seed 002).
pub fn needs_second_factor(module: Module) -> bool {
    module == Module::Admin
}

/// Something a staff user asks to do in one establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    SearchAccounts(Population),
    ViewAccount(Population),
    /// « Modifier le compte »: contact data Sésame owns.
    EditContact(Population),
    Notify(Population),
    ListAccounts(Population),
    ResetPassword(Population),
    RegenerateIdentifier,
    ViewStatistics,
    ManageNotificationSettings,
    ManageDelegations,
    ViewAudit,
    Import,
    /// See the establishment itself (home page, name, data refresh date).
    ViewEstablishment,
    EntDirectoryRead,
    EntDirectoryWrite,
}

impl Action {
    /// Every action, each population-scoped one once per population (for matrix tests and
    /// for listing a role's rights).
    pub fn all() -> Vec<Action> {
        let per_population: [fn(Population) -> Action; 6] = [
            Action::SearchAccounts,
            Action::ViewAccount,
            Action::EditContact,
            Action::Notify,
            Action::ListAccounts,
            Action::ResetPassword,
        ];
        let mut all: Vec<Action> = per_population
            .iter()
            .flat_map(|make| Population::ALL.into_iter().map(make))
            .collect();
        all.extend([
            Action::RegenerateIdentifier,
            Action::ViewStatistics,
            Action::ManageNotificationSettings,
            Action::ManageDelegations,
            Action::ViewAudit,
            Action::Import,
            Action::ViewEstablishment,
            Action::EntDirectoryRead,
            Action::EntDirectoryWrite,
        ]);
        all
    }

    /// A stable name for the action, as the API lists a caller's rights at an establishment
    /// (`students:notify`, `statistics:view`…): the SPA offers only the screens they open.
    pub fn key(&self) -> String {
        let verb = |p: Population, v: &str| format!("{}:{v}", p.as_str());
        match *self {
            Action::SearchAccounts(p) => verb(p, "search"),
            Action::ViewAccount(p) => verb(p, "view"),
            Action::EditContact(p) => verb(p, "edit-contact"),
            Action::Notify(p) => verb(p, "notify"),
            Action::ListAccounts(p) => verb(p, "list"),
            Action::ResetPassword(p) => verb(p, "reset-password"),
            Action::RegenerateIdentifier => "identifiers:regenerate".into(),
            Action::ViewStatistics => "statistics:view".into(),
            Action::ManageNotificationSettings => "settings:manage".into(),
            Action::ManageDelegations => "delegations:manage".into(),
            Action::ViewAudit => "audit:view".into(),
            Action::Import => "imports:run".into(),
            Action::ViewEstablishment => "establishment:view".into(),
            Action::EntDirectoryRead => "ent-directory:read".into(),
            Action::EntDirectoryWrite => "ent-directory:write".into(),
        }
    }

    /// The population an account action is about, if any.
    pub fn population(&self) -> Option<Population> {
        match *self {
            Action::SearchAccounts(p)
            | Action::ViewAccount(p)
            | Action::EditContact(p)
            | Action::Notify(p)
            | Action::ListAccounts(p)
            | Action::ResetPassword(p) => Some(p),
            _ => None,
        }
    }
}

/// What the permission check needs to know about the establishment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct EstablishmentFacts {
    pub private: bool,
    /// Declared in the dedicated group of private establishments whose direction uses the
    /// admin module.
    pub in_private_admin_group: bool,
}

impl EstablishmentFacts {
    /// Seed 001 §1.2: only the direction of private establishments declared in the dedicated
    /// group has the admin module. The gate is on the admin module only; the troubleshooting
    /// delegation touches students' passwords alone and the seed puts no such condition on it.
    pub fn admin_module_open(&self) -> bool {
        !self.private || self.in_private_admin_group
    }
}

/// Whether a role in an establishment allows an action.
pub fn is_allowed(role: Role, facts: EstablishmentFacts, action: Action) -> bool {
    use Action::*;
    match role {
        Role::Head | Role::Agent => {
            if !facts.admin_module_open() {
                // The head of a private establishment outside the group still sees the
                // establishment (so the home page can say why nothing else is there).
                return action == ViewEstablishment;
            }
            match action {
                ManageDelegations => role == Role::Head,
                EntDirectoryRead | EntDirectoryWrite => false,
                _ => true,
            }
        }
        Role::Teacher => match action {
            SearchAccounts(p) | ViewAccount(p) | ListAccounts(p) | ResetPassword(p) => {
                p == Population::Students
            }
            ViewEstablishment => true,
            _ => false,
        },
        Role::EntAdmin => matches!(
            action,
            EntDirectoryRead | EntDirectoryWrite | ViewEstablishment
        ),
    }
}

wire_enum! {
    /// OAuth2 scopes of third-party ENT platforms (api.md), each limited to the establishments
    /// granted to the client.
    pub enum Scope ("la portée") {
        AccountsRead = "accounts:read",
        AccountsReset = "accounts:reset",
        IdentifiersRegenerate = "identifiers:regenerate",
        EntDirectory = "ent:directory",
    }
}

impl Scope {
    /// Whether the scope covers an action. Platforms never notify, list, edit, or administer
    /// the establishment: they look up, reset and regenerate.
    pub fn allows(&self, action: Action) -> bool {
        use Action::*;
        match self {
            Scope::AccountsRead => {
                matches!(
                    action,
                    SearchAccounts(_) | ViewAccount(_) | ViewEstablishment
                )
            }
            Scope::AccountsReset => matches!(action, ResetPassword(_)),
            Scope::IdentifiersRegenerate => action == RegenerateIdentifier,
            Scope::EntDirectory => matches!(action, EntDirectoryRead | EntDirectoryWrite),
        }
    }

    /// Parses a space-separated OAuth2 `scope` string, refusing unknown scopes.
    pub fn parse_list(s: &str) -> Result<Vec<Scope>, crate::wire::UnknownValue> {
        s.split_whitespace().map(str::parse).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::*;
    use Population::*;

    const PUBLIC: EstablishmentFacts = EstablishmentFacts {
        private: false,
        in_private_admin_group: false,
    };
    const PRIVATE_IN_GROUP: EstablishmentFacts = EstablishmentFacts {
        private: true,
        in_private_admin_group: true,
    };
    const PRIVATE_OUTSIDE: EstablishmentFacts = EstablishmentFacts {
        private: true,
        in_private_admin_group: false,
    };

    /// The expected rights, written out by hand rather than derived from the implementation.
    fn expected(role: Role, facts: EstablishmentFacts) -> Vec<Action> {
        let admin_accounts: Vec<Action> = [Students, ExternalStudents, Guardians]
            .into_iter()
            .flat_map(|p| {
                [
                    SearchAccounts(p),
                    ViewAccount(p),
                    EditContact(p),
                    Notify(p),
                    ListAccounts(p),
                    ResetPassword(p),
                ]
            })
            .collect();
        let admin_common = [
            RegenerateIdentifier,
            ViewStatistics,
            ManageNotificationSettings,
            ViewAudit,
            Import,
            ViewEstablishment,
        ];
        let admin_open = !facts.private || facts.in_private_admin_group;
        match role {
            Role::Head if admin_open => {
                let mut v = admin_accounts;
                v.extend(admin_common);
                v.push(ManageDelegations);
                v
            }
            Role::Agent if admin_open => {
                let mut v = admin_accounts;
                v.extend(admin_common);
                v
            }
            Role::Head | Role::Agent => vec![ViewEstablishment],
            Role::Teacher => vec![
                SearchAccounts(Students),
                ViewAccount(Students),
                ListAccounts(Students),
                ResetPassword(Students),
                ViewEstablishment,
            ],
            Role::EntAdmin => vec![EntDirectoryRead, EntDirectoryWrite, ViewEstablishment],
        }
    }

    #[test]
    fn action_keys_are_unique() {
        let keys: std::collections::HashSet<String> =
            Action::all().iter().map(Action::key).collect();
        assert_eq!(keys.len(), Action::all().len());
        assert_eq!(Action::Notify(Guardians).key(), "guardians:notify");
        assert_eq!(
            Action::SearchAccounts(ExternalStudents).key(),
            "external-students:search"
        );
    }

    #[test]
    fn permission_matrix() {
        let mut checked = 0;
        for facts in [PUBLIC, PRIVATE_IN_GROUP, PRIVATE_OUTSIDE] {
            for role in Role::ALL {
                let allowed = expected(role, facts);
                for action in Action::all() {
                    assert_eq!(
                        is_allowed(role, facts, action),
                        allowed.contains(&action),
                        "{role:?} {action:?} in {facts:?}"
                    );
                    checked += 1;
                }
            }
        }
        assert_eq!(checked, 3 * 4 * (6 * 3 + 9));
    }

    #[test]
    fn spot_checks() {
        assert!(is_allowed(Role::Head, PUBLIC, ManageDelegations));
        assert!(!is_allowed(Role::Agent, PUBLIC, ManageDelegations));
        assert!(is_allowed(Role::Agent, PUBLIC, Notify(Guardians)));
        assert!(is_allowed(Role::Agent, PUBLIC, ViewAudit));
        assert!(!is_allowed(Role::Teacher, PUBLIC, Notify(Students)));
        assert!(!is_allowed(Role::Teacher, PUBLIC, ResetPassword(Guardians)));
        assert!(!is_allowed(
            Role::Teacher,
            PUBLIC,
            SearchAccounts(ExternalStudents)
        ));
        assert!(!is_allowed(Role::Teacher, PUBLIC, ViewStatistics));
        assert!(is_allowed(
            Role::Teacher,
            PRIVATE_OUTSIDE,
            ResetPassword(Students)
        ));
        assert!(!is_allowed(
            Role::Head,
            PRIVATE_OUTSIDE,
            SearchAccounts(Students)
        ));
        assert!(is_allowed(Role::Head, PRIVATE_IN_GROUP, ManageDelegations));
        assert!(!is_allowed(Role::Head, PUBLIC, EntDirectoryRead));
        assert!(!is_allowed(
            Role::EntAdmin,
            PUBLIC,
            SearchAccounts(Students)
        ));
    }

    #[test]
    fn all_lists_every_action_once() {
        let all = Action::all();
        assert_eq!(all.len(), 27);
        for (i, a) in all.iter().enumerate() {
            assert!(!all[i + 1..].contains(a), "{a:?} twice");
        }
        assert_eq!(Notify(Guardians).population(), Some(Guardians));
        assert_eq!(ViewAudit.population(), None);
    }

    #[test]
    fn roles_and_modules() {
        assert_eq!(
            Role::ALL.map(|r| r.as_str()),
            ["head", "agent", "teacher", "ent_admin"]
        );
        assert_eq!(Role::parse("ent_admin"), Some(Role::EntAdmin));
        assert_eq!(Role::parse("admin"), None);
        assert_eq!(
            Module::ALL.map(|m| m.as_str()),
            ["admin", "troubleshooting", "ent"]
        );
        assert_eq!(Role::Head.module(), Module::Admin);
        assert_eq!(Role::Agent.module(), Module::Admin);
        assert_eq!(Role::Teacher.module(), Module::Troubleshooting);
        assert_eq!(Role::EntAdmin.module(), Module::Ent);
        assert!(needs_second_factor(Module::Admin));
        assert!(!needs_second_factor(Module::Troubleshooting));
        assert!(!needs_second_factor(Module::Ent));
    }

    #[test]
    fn scopes() {
        assert_eq!(
            Scope::parse_list("accounts:read accounts:reset"),
            Ok(vec![Scope::AccountsRead, Scope::AccountsReset])
        );
        assert!(Scope::parse_list("accounts:read admin").is_err());
        assert!(Scope::AccountsRead.allows(ViewAccount(Guardians)));
        assert!(!Scope::AccountsRead.allows(ResetPassword(Students)));
        assert!(Scope::AccountsReset.allows(ResetPassword(Guardians)));
        assert!(!Scope::AccountsReset.allows(Notify(Students)));
        assert!(Scope::IdentifiersRegenerate.allows(RegenerateIdentifier));
        assert!(Scope::EntDirectory.allows(EntDirectoryWrite));
        for scope in Scope::ALL {
            assert!(!scope.allows(ManageDelegations));
            assert!(!scope.allows(ViewAudit));
        }
    }

    #[test]
    fn troubleshooting_view_hides_guardians_and_phone() {
        let v = AccountView::for_roles(&[Role::Teacher]);
        assert_eq!(v, AccountView::Troubleshooting);
        assert!(!v.shows_linked_people());
        assert!(!v.shows_phone());
        // The admin module's view wins when both are held there.
        assert_eq!(
            AccountView::for_roles(&[Role::Teacher, Role::Agent]),
            AccountView::Full
        );
        assert_eq!(AccountView::for_roles(&[Role::Head]), AccountView::Full);
        assert!(AccountView::for_roles(&[Role::Head]).shows_linked_people());
        // Integration clients hold no role; their scopes were checked already.
        assert_eq!(AccountView::for_roles(&[]), AccountView::Full);
    }
}
