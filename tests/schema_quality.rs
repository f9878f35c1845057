//! Checks every provider's schema the way a user meets it in docs: every provider, resource
//! and data source has a description and an example under `examples/`, every attribute and
//! nested block is described, every resource has an `import.sh`, and secrets are sensitive.

use std::path::PathBuf;

use hostform::tfplugin::provider::Provider;
use hostform::tfplugin::schema::Block;

fn examples() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

fn undescribed(block: &Block, prefix: &str, out: &mut Vec<String>) {
    for attr in &block.attributes {
        if attr.description.trim().is_empty() {
            out.push(format!("{prefix}{}", attr.name));
        }
        let secret = ["token", "password", "api_key", "secret"]
            .iter()
            .any(|s| attr.name.contains(s));
        if secret && !attr.sensitive {
            out.push(format!(
                "{prefix}{} is a secret but not sensitive",
                attr.name
            ));
        }
    }
    for nested in &block.blocks {
        if nested.block.description.trim().is_empty() {
            out.push(format!("{prefix}{} (block)", nested.type_name));
        }
        undescribed(
            &nested.block,
            &format!("{prefix}{}.", nested.type_name),
            out,
        );
    }
}

fn check_provider<P: Provider>(provider: P) {
    let name = provider.name();
    let mut problems = Vec::new();
    let schema = provider.schema();
    if schema.block.description.trim().is_empty() {
        problems.push(format!("provider {name} has no description"));
    }
    undescribed(&schema.block, &format!("provider {name}: "), &mut problems);
    if !examples().join(name).join("provider/provider.tf").is_file() {
        problems.push(format!("examples/{name}/provider/provider.tf is missing"));
    }
    for resource in provider.resources() {
        let type_name = resource.type_name();
        let block = resource.schema().block;
        if block.description.trim().is_empty() {
            problems.push(format!("{type_name} has no description"));
        }
        undescribed(&block, &format!("{type_name}: "), &mut problems);
        let dir = examples().join(name).join("resources").join(type_name);
        for file in ["resource.tf", "import.sh"] {
            if !dir.join(file).is_file() {
                problems.push(format!("{} is missing", dir.join(file).display()));
            }
        }
    }
    for data_source in provider.data_sources() {
        let type_name = data_source.type_name();
        let block = data_source.schema().block;
        if block.description.trim().is_empty() {
            problems.push(format!("data source {type_name} has no description"));
        }
        undescribed(&block, &format!("data source {type_name}: "), &mut problems);
        let file = examples()
            .join(name)
            .join("data-sources")
            .join(type_name)
            .join("data-source.tf");
        if !file.is_file() {
            problems.push(format!("{} is missing", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "schema problems:\n{}",
        problems.join("\n")
    );
}

#[test]
fn hosthatch_schema_is_documented_and_exemplified() {
    check_provider(hostform::vendors::hosthatch::provider());
}

#[test]
fn openhosting_schema_is_documented_and_exemplified() {
    check_provider(hostform::vendors::openhosting::provider());
}
