//! Records the file modes of `template/` and `releases/`, which `include_dir`
//! does not keep, so the built-in template creates executable scripts as
//! executable.

use std::fmt::Write as _;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

fn main() {
    println!("cargo:rerun-if-changed=template");
    println!("cargo:rerun-if-changed=releases");
    println!("cargo:rerun-if-changed=copier.yml");
    let mut tables = String::new();
    for (name, folder) in [
        ("TEMPLATE_MODES", "template"),
        ("RELEASE_MODES", "releases"),
    ] {
        let root = Path::new(folder);
        let mut modes = Vec::new();
        collect(root, root, &mut modes);
        modes.sort();
        writeln!(tables, "static {name}: &[(&str, u32)] = &[").unwrap();
        for (path, mode) in modes {
            writeln!(tables, "    ({path:?}, 0o{mode:o}),").unwrap();
        }
        writeln!(tables, "];").unwrap();
    }
    let out_dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out_dir).join("template_modes.rs"), tables)
        .expect("OUT_DIR is writable");
}

fn collect(root: &Path, dir: &Path, modes: &mut Vec<(String, u32)>) {
    let entries = std::fs::read_dir(dir)
        .unwrap_or_else(|error| panic!("cannot list {}: {error}", dir.display()));
    for entry in entries {
        let entry = entry.expect("template folder is readable");
        let path = entry.path();
        println!("cargo:rerun-if-changed={}", path.display());
        if path.is_dir() {
            collect(root, &path, modes);
        } else {
            let mode = entry
                .metadata()
                .expect("template file is readable")
                .permissions()
                .mode()
                & 0o7777;
            let relative = path
                .strip_prefix(root)
                .unwrap()
                .to_str()
                .expect("template paths are UTF-8")
                .to_string();
            modes.push((relative, mode));
        }
    }
}
