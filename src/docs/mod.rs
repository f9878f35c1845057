//! The registry docs generator: writes `docs/<provider>/` (index, resources, data sources,
//! ephemeral resources) from the schemas the providers serve and the files under
//! `examples/<provider>/`, and finds what a user would miss (no description, no example).

pub mod catalogue;
pub mod markdown;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

pub use catalogue::{Catalogue, Kind, TypeEntry};
use markdown::Extras;

use crate::tfplugin::schema::Block;

/// The generated pages (path relative to the repository root -> content) and the problems
/// found on the way.
#[derive(Default)]
pub struct Generated {
    pub pages: BTreeMap<PathBuf, String>,
    pub problems: Vec<String>,
}

fn read_optional(path: &Path) -> Option<String> {
    fs::read_to_string(path).ok()
}

fn short_name<'a>(provider: &str, type_name: &'a str) -> &'a str {
    type_name
        .strip_prefix(provider)
        .and_then(|rest| rest.strip_prefix('_'))
        .unwrap_or(type_name)
}

/// Hand-written guides a provider's pages link to: every `docs/guides/*.md`, and the
/// vendor notes `docs/<provider>.md` when there are some.
fn guides(root: &Path, provider: &str, depth: usize) -> Vec<(String, String)> {
    let up = "../".repeat(depth);
    let mut found = Vec::new();
    if root.join("docs").join(format!("{provider}.md")).is_file() {
        found.push((
            format!("What the {provider} API cannot do, and how the provider handles it"),
            format!("{up}{provider}.md"),
        ));
    }
    let mut names: Vec<String> = fs::read_dir(root.join("docs/guides"))
        .map(|dir| {
            dir.filter_map(|e| e.ok())
                .filter_map(|e| e.file_name().into_string().ok())
                .filter(|n| n.ends_with(".md"))
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    for file in names {
        let title = read_optional(&root.join("docs/guides").join(&file))
            .and_then(|text| {
                text.lines()
                    .find_map(|l| l.strip_prefix("# ").map(|t| t.trim().to_string()))
            })
            .unwrap_or_else(|| file.trim_end_matches(".md").to_string());
        found.push((title, format!("{up}guides/{file}")));
    }
    found
}

fn undescribed(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    for attr in &block.attributes {
        if attr.description.trim().is_empty() {
            problems.push(format!("{prefix}{} has no description", attr.name));
        }
        let secret = ["token", "password", "api_key", "secret"]
            .iter()
            .any(|s| attr.name.contains(s));
        if secret && !attr.sensitive {
            problems.push(format!(
                "{prefix}{} is a secret but not sensitive",
                attr.name
            ));
        }
    }
    for nested in &block.blocks {
        if nested.block.description.trim().is_empty() {
            problems.push(format!(
                "{prefix}{} (block) has no description",
                nested.type_name
            ));
        }
        undescribed(
            &nested.block,
            &format!("{prefix}{}.", nested.type_name),
            problems,
        );
    }
}

/// Generates every page of one provider.
pub fn generate_provider(root: &Path, catalogue: &Catalogue, out: &mut Generated) {
    let name = catalogue.provider;
    let examples = root.join("examples").join(name);
    let docs = PathBuf::from("docs").join(name);
    if catalogue.schema.block.description.trim().is_empty() {
        out.problems
            .push(format!("provider {name} has no description"));
    }
    undescribed(
        &catalogue.schema.block,
        &format!("provider {name}: "),
        &mut out.problems,
    );
    let provider_example = examples.join("provider/provider.tf");
    let example = read_optional(&provider_example);
    if example.is_none() {
        out.problems
            .push(format!("{} is missing", provider_example.display()));
    }
    let index = markdown::index_page(
        catalogue,
        &Extras {
            example,
            import: None,
            guides: guides(root, name, 1),
        },
    );
    out.pages.insert(docs.join("index.md"), index);
    for kind in Kind::ALL {
        for entry in kind.entries(catalogue) {
            let dir = examples.join(kind.dir()).join(entry.type_name);
            let example_path = dir.join(kind.example_file());
            let example = read_optional(&example_path);
            if example.is_none() {
                out.problems
                    .push(format!("{} is missing", example_path.display()));
            }
            let import = if kind == Kind::Resource {
                let import = read_optional(&dir.join("import.sh"));
                if import.is_none() {
                    out.problems
                        .push(format!("{} is missing", dir.join("import.sh").display()));
                }
                import
            } else {
                None
            };
            if entry.schema.block.description.trim().is_empty() {
                out.problems.push(format!(
                    "{} {} has no description",
                    kind.title(),
                    entry.type_name
                ));
            }
            undescribed(
                &entry.schema.block,
                &format!("{}: ", entry.type_name),
                &mut out.problems,
            );
            let page = markdown::type_page(
                catalogue,
                kind,
                entry,
                &Extras {
                    example,
                    import,
                    guides: guides(root, name, 2),
                },
            );
            let file = format!("{}.md", short_name(name, entry.type_name));
            out.pages.insert(docs.join(kind.dir()).join(file), page);
        }
    }
}

/// Generates the pages of every provider.
pub fn generate(root: &Path, catalogues: &[Catalogue]) -> Generated {
    let mut out = Generated::default();
    for catalogue in catalogues {
        generate_provider(root, catalogue, &mut out);
    }
    out
}

/// Generated files on disk that the generator would no longer write.
fn stale_files(root: &Path, catalogues: &[Catalogue], generated: &Generated) -> Vec<PathBuf> {
    let mut stale = Vec::new();
    for catalogue in catalogues {
        for kind in Kind::ALL {
            let dir = PathBuf::from("docs")
                .join(catalogue.provider)
                .join(kind.dir());
            let Ok(entries) = fs::read_dir(root.join(&dir)) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = dir.join(entry.file_name());
                if !generated.pages.contains_key(&path) {
                    stale.push(path);
                }
            }
        }
    }
    stale
}

/// What differs between the checked-in docs and what the generator writes.
pub fn differences(root: &Path, catalogues: &[Catalogue], generated: &Generated) -> Vec<String> {
    let mut differences: Vec<String> = generated
        .pages
        .iter()
        .filter(|(path, content)| {
            read_optional(&root.join(path)).as_deref() != Some(content.as_str())
        })
        .map(|(path, _)| format!("{} is out of date", path.display()))
        .collect();
    for path in stale_files(root, catalogues, generated) {
        differences.push(format!("{} is no longer generated", path.display()));
    }
    differences
}

/// Writes the generated pages and removes the stale ones.
pub fn write(root: &Path, catalogues: &[Catalogue], generated: &Generated) -> std::io::Result<()> {
    for path in stale_files(root, catalogues, generated) {
        fs::remove_file(root.join(path))?;
    }
    for (path, content) in &generated.pages {
        let full = root.join(path);
        if let Some(parent) = full.parent() {
            fs::create_dir_all(parent)?;
        }
        if read_optional(&full).as_deref() != Some(content.as_str()) {
            fs::write(full, content)?;
        }
    }
    Ok(())
}
