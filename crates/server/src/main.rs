use clap::Parser;

// See Cargo.toml: allocation-heavy request handling under load.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    sesame_server::telemetry::init();
    let cli = sesame_server::cli::Cli::parse();
    match sesame_server::cli::run(cli).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("sesame: {e:#}");
            std::process::ExitCode::FAILURE
        }
    }
}
