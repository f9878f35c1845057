//! `hostform-docs`: writes the registry docs (`docs/<provider>/`) of every provider from its
//! schema and its examples, or with `--check` reports what is out of date without writing.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// Generates the Terraform Registry pages of every hostform provider.
#[derive(Debug, Parser)]
#[command(name = "hostform-docs", version)]
struct Flags {
    /// The repository root (holding `examples/` and `docs/`).
    #[arg(long, default_value = ".")]
    root: PathBuf,

    /// Only report pages that differ from what would be written, and missing examples or
    /// descriptions; exit 1 if there are any.
    #[arg(long)]
    check: bool,
}

fn main() -> ExitCode {
    let flags = Flags::parse();
    let catalogues = hostform::vendors::catalogues();
    let generated = hostform::docs::generate(&flags.root, &catalogues);
    for problem in &generated.problems {
        eprintln!("problem: {problem}");
    }
    if flags.check {
        let differences = hostform::docs::differences(&flags.root, &catalogues, &generated);
        for difference in &differences {
            eprintln!("{difference}");
        }
        if !differences.is_empty() {
            eprintln!("run `cargo run --bin hostform-docs` to regenerate the docs");
        }
        let failed = !differences.is_empty() || !generated.problems.is_empty();
        return if failed {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        };
    }
    if let Err(e) = hostform::docs::write(&flags.root, &catalogues, &generated) {
        eprintln!("cannot write docs: {e}");
        return ExitCode::FAILURE;
    }
    println!("wrote {} pages", generated.pages.len());
    if generated.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
