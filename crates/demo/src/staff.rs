//! The demo's staff users (api.md "Demo mode"), their roles and delegations, the ENT
//! integration client and its grants, and the notification settings.

use sesame_core::account::Population;
use sesame_core::permissions::{Module, Role, Scope};

use super::{
    seed, Builder, DEMO_CLIENT_ID, DEMO_TOTP_SECRET, LP_UAI, PRIMARY_SCHOOL_UAI,
    PRIVATE_COLLEGE_UAI, PUBLIC_COLLEGE_UAI,
};
use sesame_store::entities::{
    delegation, integration_client, integration_grant, notification_setting, staff_role, staff_user,
};
use sesame_store::error::Result;

/// Hashes of the demo's shared secrets, computed once by the caller.
pub(super) struct StaffHashes {
    pub principal: String,
    pub agent: String,
    pub teacher: String,
    pub ent_admin: String,
    pub client_secret: String,
}

pub(super) fn staff(b: &mut Builder<'_>, hashes: StaffHashes) -> Result<()> {
    let rng = &mut seed::stream("staff");
    let since = seed::at(2026, 8, 24, 9, 0);

    let mut user = |b: &mut Builder<'_>,
                    username: &str,
                    display_name: &str,
                    password_hash: String,
                    admin_module: bool|
     -> Result<String> {
        let id = seed::id(rng);
        // The second factor guards the admin module only (seed 001 §1.2: « avec clé OTP »);
        // the troubleshooting module and the ENT directory open with a password.
        let totp_secret_enc = if admin_module {
            Some(b.secrets.seal(DEMO_TOTP_SECRET, &id)?)
        } else {
            None
        };
        b.rows.staff_users.push(staff_user::Model {
            id: id.clone(),
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            password_hash,
            totp_secret_enc,
            disabled: false,
            created_at: since,
        });
        Ok(id)
    };
    let principal = user(b, "principal", "Mme Claire Morand", hashes.principal, true)?;
    let agent = user(b, "agent", "M. Karim Benali", hashes.agent, true)?;
    let teacher = user(b, "teacher", "Mme Sophie Lambert", hashes.teacher, false)?;
    let ent_admin = user(
        b,
        "ent-admin",
        "Mme Martine Vuillemin",
        hashes.ent_admin,
        false,
    )?;

    let rng = &mut seed::stream("staff/roles");
    for (staff_id, uai, role) in [
        (&principal, LP_UAI, Role::Head),
        (&principal, PUBLIC_COLLEGE_UAI, Role::Head),
        (&principal, PRIVATE_COLLEGE_UAI, Role::Head),
        (&ent_admin, PRIMARY_SCHOOL_UAI, Role::EntAdmin),
    ] {
        b.rows.staff_roles.push(staff_role::Model {
            id: seed::id(rng),
            staff_id: staff_id.clone(),
            uai: uai.to_owned(),
            role: role.as_str().to_owned(),
        });
    }
    for (staff_id, module, granted_at) in [
        (&agent, Module::Admin, seed::at(2026, 9, 2, 8, 30)),
        (
            &teacher,
            Module::Troubleshooting,
            seed::at(2026, 9, 4, 14, 10),
        ),
    ] {
        b.rows.delegations.push(delegation::Model {
            id: seed::id(rng),
            uai: PUBLIC_COLLEGE_UAI.to_owned(),
            staff_id: staff_id.clone(),
            module: module.as_str().to_owned(),
            granted_by: principal.clone(),
            granted_at,
            revoked_by: None,
            revoked_at: None,
        });
    }

    let client = seed::id(rng);
    b.rows.integration_clients.push(integration_client::Model {
        id: client.clone(),
        client_id: DEMO_CLIENT_ID.to_owned(),
        name: "ENT de démonstration".to_owned(),
        secret_hash: hashes.client_secret,
        rate_limit_per_minute: 600,
        disabled: false,
        created_at: since,
    });
    for uai in [PUBLIC_COLLEGE_UAI, PRIMARY_SCHOOL_UAI] {
        for scope in Scope::ALL {
            b.rows.integration_grants.push(integration_grant::Model {
                client_id: client.clone(),
                uai: uai.to_owned(),
                scope: scope.as_str().to_owned(),
            });
        }
    }
    Ok(())
}

/// Seed 001 §7: the LP adds its ENT's address to guardians' letters (verified and active) and
/// has none for pupils. The others have not set anything yet, but have their rows, so every
/// 2nd-degree establishment looks the same to the settings screens.
pub(super) fn notification_settings(b: &mut Builder<'_>) {
    let updated_at = seed::at(2026, 9, 1, 10, 12);
    for uai in [LP_UAI, PUBLIC_COLLEGE_UAI, PRIVATE_COLLEGE_UAI] {
        for population in [Population::Students, Population::Guardians] {
            let configured = uai == LP_UAI && population == Population::Guardians;
            b.rows
                .notification_settings
                .push(notification_setting::Model {
                    uai: uai.to_owned(),
                    population: population.as_str().to_owned(),
                    url: configured.then(|| "https://lycees.netocentre.fr".to_owned()),
                    verified: configured,
                    active: configured,
                    verified_at: configured.then_some(updated_at),
                    updated_at,
                });
        }
    }
}
