//! The Gigahost examples are generated from the Terrahost ones (same API family): this test
//! fails when `examples/gigahost` is out of sync, and rewrites it when HOSTFORM_WRITE_EXAMPLES
//! is set (`scripts/gen-gigahost-examples`).

fn examples() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples")
}

/// The Gigahost examples are the Terrahost ones with the vendor renamed and the simulator's
/// Gigahost server ids. `scripts/gen-gigahost-examples` (HOSTFORM_WRITE_EXAMPLES=1) rewrites
/// them; otherwise this test fails when they are out of sync.
#[test]
fn gigahost_examples_are_generated_from_terrahost() {
    let from = examples().join("terrahost");
    let to = examples().join("gigahost");
    let write = std::env::var_os("HOSTFORM_WRITE_EXAMPLES").is_some();
    if write {
        let _ = std::fs::remove_dir_all(&to);
    }
    let mut pending = vec![from.clone()];
    let mut expected = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                pending.push(path);
            } else {
                let relative = path
                    .strip_prefix(&from)
                    .unwrap()
                    .to_string_lossy()
                    .to_string();
                let text = std::fs::read_to_string(&path).unwrap();
                expected.push((gigahost_text(&relative), gigahost_text(&text)));
            }
        }
    }
    let mut problems = Vec::new();
    for (relative, text) in &expected {
        let target = to.join(relative);
        if write {
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(&target, text).unwrap();
        } else if std::fs::read_to_string(&target).ok().as_deref() != Some(text.as_str()) {
            problems.push(relative.clone());
        }
    }
    assert!(
        problems.is_empty(),
        "examples/gigahost is out of sync with examples/terrahost (run scripts/gen-gigahost-examples): {problems:?}"
    );
}

fn gigahost_text(text: &str) -> String {
    text.replace("terrahost", "gigahost")
        .replace("Terrahost", "Gigahost")
        .replace("TERRAHOST", "GIGAHOST")
        .replace("3523", "5101")
}
