//! The registry docs are generated, never edited by hand: this fails when the checked-in
//! `docs/<provider>/` pages differ from what `hostform-docs` writes, when a provider, resource,
//! data source or ephemeral resource lacks a description or an example (or a resource its
//! `import.sh`), when an attribute is undescribed, or when a secret is not sensitive.

use std::path::PathBuf;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_type_is_described_and_exemplified() {
    let generated = hostform::docs::generate(&root(), &hostform::vendors::catalogues());
    assert!(
        generated.problems.is_empty(),
        "documentation problems:\n{}",
        generated.problems.join("\n")
    );
}

#[test]
fn checked_in_docs_match_the_generator() {
    let catalogues = hostform::vendors::catalogues();
    let generated = hostform::docs::generate(&root(), &catalogues);
    let differences = hostform::docs::differences(&root(), &catalogues, &generated);
    assert!(
        differences.is_empty(),
        "{}\nrun `cargo run --bin hostform-docs` and commit the result",
        differences.join("\n")
    );
}

#[test]
fn every_provider_has_pages_for_all_it_offers() {
    let catalogues = hostform::vendors::catalogues();
    let generated = hostform::docs::generate(&root(), &catalogues);
    for catalogue in &catalogues {
        let offered = catalogue.resources.len()
            + catalogue.data_sources.len()
            + catalogue.ephemeral_resources.len();
        let pages = generated
            .pages
            .keys()
            .filter(|p| p.starts_with(format!("docs/{}", catalogue.provider)))
            .count();
        assert_eq!(pages, offered + 1, "{} pages", catalogue.provider);
    }
}
