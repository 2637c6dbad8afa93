//! The `sesame` command line: the service and the operators' tools.

use std::io::{BufRead, IsTerminal};
use std::net::TcpListener;

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use sesame_core::permissions::Role;
use sesame_demo::{load_demo, DemoLoad};
use sesame_store::repo::audit::{ActorKind, NewAuditEvent};
use sesame_store::repo::staff::NewStaff;
use sesame_store::{PasswordHasher, SecretBox};

use crate::auth::totp;
use crate::config::Config;

#[derive(Debug, Parser)]
#[command(
    name = "sesame",
    version,
    about = "Sésame — administration des comptes élèves et responsables"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the REST service, the SPA and Swagger UI.
    Serve {
        #[command(flatten)]
        config: Config,
        /// Address to listen on.
        #[arg(long, env = "SESAME_BIND", default_value = "127.0.0.1:8080")]
        bind: String,
        /// Load the demo data set (and its demo accounts) if the database is empty.
        #[arg(long)]
        demo: bool,
    },
    /// Print the OpenAPI document.
    Openapi,
    /// Print a new random secret key (base64) for SESAME_SECRET_KEY.
    GenerateKey,
    /// Generate the national-scale benchmark data set into an empty PostgreSQL database.
    ScaleDemo {
        #[command(flatten)]
        config: Config,
        #[arg(long, default_value_t = 1000)]
        establishments: u32,
        #[arg(long, default_value_t = 500)]
        students_per_establishment: u32,
        /// Password of the `bench` staff user (head of the benchmark establishment).
        #[arg(
            long,
            env = "SESAME_BENCH_PASSWORD",
            default_value = "bench-password-123"
        )]
        bench_password: String,
    },
    /// Measure a running service on the scale data set (notify, lists, search latency and
    /// throughput).
    Bench(crate::bench::BenchArgs),
    /// Import an establishment's students and guardians from SIECLE XML, ONDE CSV or Sésame
    /// CSV exports: prints what changes (with --dry-run, what would), in one transaction.
    Import {
        #[command(flatten)]
        config: Config,
        /// `siecle`, `onde` or `csv`.
        source: String,
        /// The establishment the files are for.
        #[arg(long)]
        uai: String,
        /// Only say what the import would do.
        #[arg(long)]
        dry_run: bool,
        /// Apply even though the import marks more than 10 % of the establishment's current
        /// pupils as left (and more than 5); without it such an import is refused.
        #[arg(long)]
        allow_mass_leave: bool,
        /// The export files (SIECLE: ElevesSansAdresses or ElevesAvecAdresses,
        /// ResponsablesAvecAdresses, Nomenclature).
        #[arg(required = true)]
        files: Vec<std::path::PathBuf>,
    },
    /// Print the SQL an account search runs (values inlined): for `EXPLAIN`, and for
    /// `scripts/bench.sh`, which runs it raw through `pgbench` beside the API. With
    /// `--pgbench`, the statement as the service prepares it, its parameters written `:p1`,
    /// `:p2`… and their values on a first comment line (`-- pgbench -D p1=… -D p2=…`).
    SearchSql {
        #[command(flatten)]
        config: Config,
        #[arg(long)]
        uai: String,
        /// `students`, `external-students` or `guardians`.
        #[arg(long, default_value = "students")]
        population: String,
        /// Name prefix, as the console's search box.
        #[arg(long)]
        q: Option<String>,
        /// Account states (`not_notified`, …), repeatable.
        #[arg(long)]
        state: Vec<String>,
        #[arg(long, default_value_t = 1)]
        page: u64,
        #[arg(long, default_value_t = sesame_api::page::DEFAULT_PER_PAGE)]
        per_page: u64,
        #[arg(long)]
        pgbench: bool,
    },
    /// Manage integration clients (ENT platforms).
    Client {
        #[command(flatten)]
        config: Config,
        #[command(subcommand)]
        action: ClientAction,
    },
    /// Manage staff users.
    Staff {
        #[command(flatten)]
        config: Config,
        #[command(subcommand)]
        action: StaffAction,
    },
}

#[derive(Debug, Subcommand)]
pub enum ClientAction {
    /// Create a client; prints its secret once.
    Create {
        client_id: String,
        #[arg(long)]
        name: String,
        /// Requests a minute before 429.
        #[arg(long, default_value_t = 600)]
        rate_limit: i32,
    },
    /// Grant scopes at an establishment.
    Grant {
        client_id: String,
        #[arg(long)]
        uai: String,
        /// accounts:read, accounts:reset, identifiers:regenerate, ent:directory (repeatable).
        #[arg(long = "scope", required = true)]
        scopes: Vec<String>,
    },
    /// Withdraw scopes (all when none is named) at an establishment.
    Revoke {
        client_id: String,
        #[arg(long)]
        uai: String,
        #[arg(long = "scope")]
        scopes: Vec<String>,
    },
    /// Replace the secret; prints the new one once.
    RotateSecret { client_id: String },
}

#[derive(Debug, Subcommand)]
pub enum StaffAction {
    /// Create a staff user; the password is read from standard input.
    Create {
        username: String,
        #[arg(long)]
        display_name: String,
        /// Roles as UAI:ROLE (ROLE = head or ent_admin), repeatable.
        #[arg(long = "role")]
        roles: Vec<String>,
    },
    /// Set a staff user's password (read from standard input); ends their sessions.
    SetPassword { username: String },
    /// Disable a staff user: they lose access at their next request.
    Disable { username: String },
    /// Enrol a TOTP authenticator: prints the otpauth:// URI and a QR code to scan.
    TotpEnroll { username: String },
}

pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve { config, bind, demo } => serve(config, &bind, demo).await,
        Command::Openapi => {
            print!("{}", crate::openapi::openapi_json());
            Ok(())
        }
        Command::GenerateKey => {
            println!("{}", SecretBox::generate_key_base64());
            Ok(())
        }
        Command::Staff { config, action } => staff(config, action).await,
        Command::Client { config, action } => client(config, action).await,
        Command::Import {
            config,
            source,
            uai,
            dry_run,
            allow_mass_leave,
            files,
        } => import(config, &source, &uai, dry_run, allow_mass_leave, files).await,
        Command::ScaleDemo {
            config,
            establishments,
            students_per_establishment,
            bench_password,
        } => {
            scale_demo(
                config,
                establishments,
                students_per_establishment,
                &bench_password,
            )
            .await
        }
        Command::Bench(args) => crate::bench::run(args).await,
        Command::SearchSql {
            config,
            uai,
            population,
            q,
            state,
            page,
            per_page,
            pgbench,
        } => {
            search_sql(
                config,
                &uai,
                &population,
                q,
                &state,
                (page, per_page),
                pgbench,
            )
            .await
        }
    }
}

async fn serve(config: Config, bind: &str, demo: bool) -> anyhow::Result<()> {
    let state = crate::app::build_state(&config, PasswordHasher::owasp()).await?;
    if demo {
        match load_demo(&state.store, &state.secrets, &state.hasher).await? {
            DemoLoad::Loaded(s) => tracing::info!(
                establishments = s.establishments,
                students = s.students,
                guardians = s.guardians,
                ent_users = s.ent_users,
                "demo data loaded"
            ),
            DemoLoad::AlreadyPopulated => {
                tracing::info!("database not empty: demo data not loaded again")
            }
        }
    }
    state
        .hashing
        .warm_up(&state.hasher)
        .await
        .map_err(|e| anyhow::anyhow!("warming up the password hashing: {e:?}"))?;
    let listener = TcpListener::bind(bind).with_context(|| format!("binding {bind}"))?;
    let addr = listener.local_addr()?;
    tracing::info!(
        address = %addr,
        backend = state.store.backend().name(),
        "Sésame is listening: SPA at http://{addr}/, Swagger UI at http://{addr}/swagger-ui/"
    );
    let metrics = match &config.metrics_bind {
        Some(metrics_bind) => {
            let listener = TcpListener::bind(metrics_bind)
                .with_context(|| format!("binding {metrics_bind} (SESAME_METRICS_BIND)"))?;
            tracing::info!(address = %listener.local_addr()?, "metrics at /metrics");
            Some(crate::app::run_metrics(listener)?)
        }
        None => None,
    };
    // actix-web stops gracefully on SIGINT/SIGTERM: in-flight requests finish first.
    let background = crate::scheduler::start(state.clone());
    let api = crate::app::run(listener, state)?;
    match metrics {
        // Both servers stop on the same signal; either one failing stops the process.
        Some(metrics) => {
            futures_util::future::try_join(api, metrics).await?;
        }
        None => api.await?,
    }
    for task in background {
        task.abort();
    }
    tracing::info!("stopped");
    Ok(())
}

fn read_password(prompt: &str) -> anyhow::Result<String> {
    if std::io::stdin().is_terminal() {
        eprint!("{prompt}: ");
    }
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line)?;
    let pw = line.trim_end_matches(['\r', '\n']).to_owned();
    if pw.chars().count() < 12 {
        bail!("staff passwords must have at least 12 characters");
    }
    Ok(pw)
}

async fn scale_demo(
    config: Config,
    establishments: u32,
    students_per_establishment: u32,
    bench_password: &str,
) -> anyhow::Result<()> {
    use sesame_demo::scale::{generate_scale_dataset, ScaleSpec, BENCH_UAI_NUMBER, BENCH_USER};
    let state = crate::app::build_state(&config, PasswordHasher::owasp()).await?;
    let hash = state.hasher.hash(bench_password)?;
    let started = std::time::Instant::now();
    let summary = generate_scale_dataset(
        &state.store,
        ScaleSpec {
            establishments,
            students_per_establishment,
        },
        &hash,
    )
    .await?;
    let staff = state
        .store
        .create_staff(NewStaff {
            username: BENCH_USER,
            display_name: "Benchmark",
            password_hash: hash,
            totp_secret_enc: None,
        })
        .await?;
    let uai = format!(
        "{BENCH_UAI_NUMBER:07}{}",
        sesame_core::uai::check_letter(BENCH_UAI_NUMBER)
    );
    state
        .store
        .add_staff_role(&staff.id, &uai, Role::Head)
        .await?;
    println!(
        "{} establishments, {} accounts generated in {:.1} s; staff user {BENCH_USER} heads {uai}",
        summary.establishments,
        summary.accounts,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

async fn staff(config: Config, action: StaffAction) -> anyhow::Result<()> {
    let state = crate::app::build_state(&config, PasswordHasher::owasp()).await?;
    let store = &state.store;
    let find = |username: String| async move {
        store
            .staff_by_username(&username)
            .await?
            .with_context(|| format!("no staff user named {username}"))
    };
    match action {
        StaffAction::Create {
            username,
            display_name,
            roles,
        } => {
            let mut parsed = vec![];
            for r in &roles {
                let (uai, role) = r
                    .split_once(':')
                    .with_context(|| format!("{r}: expected UAI:ROLE"))?;
                let role = Role::parse(role).with_context(|| format!("{role}: unknown role"))?;
                if store.establishment(&uai.to_uppercase()).await?.is_none() {
                    bail!("unknown establishment {uai}");
                }
                parsed.push((uai.to_uppercase(), role));
            }
            let password = read_password("Mot de passe")?;
            let staff = store
                .create_staff(NewStaff {
                    username: &username,
                    display_name: &display_name,
                    password_hash: state.hasher.hash(&password)?,
                    totp_secret_enc: None,
                })
                .await?;
            for (uai, role) in parsed {
                store.add_staff_role(&staff.id, &uai, role).await?;
            }
            audit(store, "staff.create", &username).await?;
            println!("created {username}");
        }
        StaffAction::SetPassword { username } => {
            let staff = find(username.clone()).await?;
            let password = read_password("Nouveau mot de passe")?;
            store
                .set_staff_password(&staff.id, state.hasher.hash(&password)?)
                .await?;
            store.revoke_all_refresh_tokens(&staff.id).await?;
            audit(store, "staff.set_password", &username).await?;
            println!("password changed for {username}");
        }
        StaffAction::Disable { username } => {
            let staff = find(username.clone()).await?;
            store.set_staff_disabled(&staff.id, true).await?;
            store.revoke_all_refresh_tokens(&staff.id).await?;
            audit(store, "staff.disable", &username).await?;
            println!("disabled {username}");
        }
        StaffAction::TotpEnroll { username } => {
            let staff = find(username.clone()).await?;
            let secret = totp::generate_secret();
            let otp = totp::totp_for(&secret, crate::auth::login::TOTP_ISSUER, &username)
                .context("TOTP secret")?;
            store
                .set_staff_totp(&staff.id, Some(state.secrets.seal(&secret, &staff.id)?))
                .await?;
            audit(store, "staff.totp_enroll", &username).await?;
            let uri = otp.get_url();
            println!("{uri}");
            let qr = qrcode::QrCode::new(uri.as_bytes()).context("QR code")?;
            println!(
                "{}",
                qr.render::<qrcode::render::unicode::Dense1x2>()
                    .quiet_zone(true)
                    .build()
            );
        }
    }
    Ok(())
}

/// A client secret: 256 random bits, URL-safe (the same generator as refresh tokens).
fn new_secret() -> String {
    sesame_store::repo::sessions::new_token()
}

async fn client(config: Config, action: ClientAction) -> anyhow::Result<()> {
    use sesame_core::permissions::Scope;
    let state = crate::app::build_state(&config, PasswordHasher::owasp()).await?;
    let store = &state.store;
    let find = |client_id: String| async move {
        store
            .client_by_client_id(&client_id)
            .await?
            .with_context(|| format!("no client named {client_id}"))
    };
    let scopes = |names: &[String]| -> anyhow::Result<Vec<Scope>> {
        names
            .iter()
            .map(|n| Scope::parse(n).with_context(|| format!("{n}: unknown scope")))
            .collect()
    };
    match action {
        ClientAction::Create {
            client_id,
            name,
            rate_limit,
        } => {
            let secret = new_secret();
            store
                .create_client(&client_id, &name, state.hasher.hash(&secret)?, rate_limit)
                .await?;
            audit(store, "client.create", &client_id).await?;
            println!("client {client_id} created; secret (shown once): {secret}");
        }
        ClientAction::Grant {
            client_id,
            uai,
            scopes: names,
        } => {
            let c = find(client_id.clone()).await?;
            let uai = sesame_core::Uai::parse(&uai)?.as_str().to_owned();
            if store.establishment(&uai).await?.is_none() {
                bail!("unknown establishment {uai}");
            }
            store.grant_client(&c.id, &uai, &scopes(&names)?).await?;
            audit(store, "client.grant", &client_id).await?;
            println!("granted {} at {uai} to {client_id}", names.join(" "));
        }
        ClientAction::Revoke {
            client_id,
            uai,
            scopes: names,
        } => {
            let c = find(client_id.clone()).await?;
            let uai = sesame_core::Uai::parse(&uai)?.as_str().to_owned();
            let n = store.revoke_client(&c.id, &uai, &scopes(&names)?).await?;
            audit(store, "client.revoke", &client_id).await?;
            println!("withdrew {n} grant(s) at {uai} from {client_id}");
        }
        ClientAction::RotateSecret { client_id } => {
            let c = find(client_id.clone()).await?;
            let secret = new_secret();
            store
                .set_client_secret(&c.id, state.hasher.hash(&secret)?)
                .await?;
            audit(store, "client.rotate_secret", &client_id).await?;
            println!("new secret for {client_id} (shown once): {secret}");
        }
    }
    Ok(())
}

async fn import(
    config: Config,
    source: &str,
    uai: &str,
    dry_run: bool,
    allow_mass_leave: bool,
    paths: Vec<std::path::PathBuf>,
) -> anyhow::Result<()> {
    use crate::imports::{parse_source, ImportError};
    let Some(source) = parse_source(source) else {
        bail!("unknown source '{source}': expected siecle, onde or csv");
    };
    let uai = uai.trim().to_uppercase();
    let mut files = Vec::with_capacity(paths.len());
    for path in &paths {
        let bytes =
            std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string());
        files.push(sesame_imports::InputFile { name, bytes });
    }
    let state = crate::app::build_state(&config, PasswordHasher::owasp()).await?;
    let audit = NewAuditEvent::new(ActorKind::System, "cli", "import.apply");
    let started = std::time::Instant::now();
    // The command line acts as the system, for the establishment it names.
    let tenant = state.store.tenant(&uai);
    let run = crate::imports::run(&tenant, source, files, dry_run, allow_mass_leave, audit);
    let report = match run.await {
        Ok(report) => report,
        Err(ImportError::MassLeave { current, leaving }) => {
            bail!(
                "nothing imported: {} Confirmez avec --allow-mass-leave.",
                sesame_core::imports::mass_leave_message(current, leaving)
            )
        }
        Err(ImportError::Refused(problems)) => {
            for p in &problems {
                eprintln!("{p}");
            }
            bail!("nothing imported: {} blocking problem(s)", problems.len());
        }
        Err(ImportError::Store(sesame_store::StoreError::NotFound)) => {
            bail!("unknown establishment {uai}")
        }
        Err(ImportError::Store(e)) => return Err(e.into()),
        Err(ImportError::Internal(e)) => bail!(e),
    };
    for p in &report.problems {
        let at = match (p.line, &p.element) {
            (Some(l), _) => format!("{}, ligne {l}", p.file),
            (None, Some(e)) => format!("{} ({e})", p.file),
            (None, None) => p.file.clone(),
        };
        eprintln!("{at} : {}", p.message);
    }
    let verb = if report.applied {
        "imported"
    } else {
        "dry run, nothing changed"
    };
    println!(
        "{uai} {} ({verb}, {:.2} s): students {} created, {} updated, {} left, {} unchanged; \
         guardians {} created, {} updated, {} unchanged; links {} created, {} removed; {} problem(s)",
        report.source,
        started.elapsed().as_secs_f64(),
        report.students.created,
        report.students.updated,
        report.students.left,
        report.students.unchanged,
        report.guardians.created,
        report.guardians.updated,
        report.guardians.unchanged,
        report.links_created,
        report.links_removed,
        report.problems.len(),
    );
    Ok(())
}

async fn audit(store: &sesame_store::Store, action: &str, username: &str) -> anyhow::Result<()> {
    store
        .audit(
            NewAuditEvent::new(ActorKind::System, "cli", action).targets(vec![username.to_owned()]),
        )
        .await?;
    Ok(())
}

async fn search_sql(
    config: Config,
    uai: &str,
    population: &str,
    q: Option<String>,
    states: &[String],
    (page, per_page): (u64, u64),
    pgbench: bool,
) -> anyhow::Result<()> {
    use sesame_core::{AccountState, Population};
    use sesame_store::repo::search::{AccountFilter, PageStart, Search, SortKey};
    let population = Population::parse(population)
        .ok_or_else(|| anyhow::anyhow!("unknown population {population}"))?;
    let states = states
        .iter()
        .map(|s| AccountState::parse(s).ok_or_else(|| anyhow::anyhow!("unknown state {s}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    let filter = AccountFilter {
        q,
        states,
        ..Default::default()
    };
    let store = sesame_store::Store::connect(&config.database_url).await?;
    let (sql, values) = store
        .tenant(&uai.to_uppercase())
        .search_sql(
            &Search {
                population,
                filter,
                sort: (SortKey::default(), false),
                start: PageStart::Page(page),
                per_page,
            },
            !pgbench,
        )
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    if pgbench {
        let defines: Vec<String> = (1..=values.len())
            .zip(&values)
            .map(|(i, v)| format!("-D p{i}={v}"))
            .collect();
        println!("-- pgbench {}", defines.join(" "));
        // `$12` before `$1`: longer numbers first, so that `$1` does not eat `$12`'s prefix.
        let mut text = sql;
        for i in (1..=values.len()).rev() {
            text = text.replace(&format!("${i}"), &format!(":p{i}"));
        }
        println!("{text};");
    } else {
        println!("{sql};");
    }
    Ok(())
}
