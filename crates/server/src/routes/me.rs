use actix_web::{get, web};
use sesame_api::auth::{Me, RoleGrant};

use crate::auth::Caller;
use crate::problem::ApiResult;
use crate::routes::responses::Unauthenticated;

/// Who the caller is and the roles they hold now.
#[utoipa::path(tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = Me), Unauthenticated))]
#[get("/api/v1/me")]
pub async fn me(caller: Caller) -> ApiResult<web::Json<Me>> {
    let staff = caller.staff()?;
    Ok(web::Json(Me {
        username: staff.username.clone(),
        display_name: staff.display_name.clone(),
        roles: caller
            .grants
            .iter()
            .map(|g| RoleGrant {
                uai: g.uai.clone(),
                role: g.role,
                module: g.role.module(),
            })
            .collect(),
    }))
}
