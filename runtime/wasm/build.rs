//! Builds the runtime to Wasm with a nested cargo invocation (see the crate docs).

use std::env;
use std::path::PathBuf;
use std::process::Command;

fn main() {
    println!("cargo:rustc-check-cfg=cfg(lattice_wasm_built)");
    println!("cargo:rerun-if-env-changed=SKIP_WASM_BUILD");
    let target = env::var("TARGET").unwrap_or_default();
    if target.starts_with("wasm32") {
        return;
    }
    if env::var_os("SKIP_WASM_BUILD").is_some() {
        println!("cargo:warning=SKIP_WASM_BUILD is set: the runtime's Wasm blob is not built");
        return;
    }
    let manifest_dir = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let workspace = manifest_dir.join("../..").canonicalize().expect("workspace root exists");
    // What the blob is built from (tests, examples and JS of the runtime crate are not).
    for path in [
        "runtime/src",
        "runtime/Cargo.toml",
        "runtime/wasm/src",
        "runtime/wasm/Cargo.toml",
        "pallets",
        "primitives/core",
        "primitives/io",
    ] {
        println!("cargo:rerun-if-changed={}", workspace.join(path).display());
    }
    println!("cargo:rerun-if-changed={}", workspace.join("Cargo.lock").display());
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("set by cargo"));
    // `<target>/release/build/<pkg>/out` -> `<target>/wasm-runtime`.
    let target_dir = out_dir
        .ancestors()
        .nth(4)
        .map(|t| t.join("wasm-runtime"))
        .expect("OUT_DIR is inside the target directory");

    build(&workspace, &target_dir, &[]);
    copy(&target_dir, &out_dir.join("lattice_runtime.wasm"));
    // The same runtime one `spec_version` later, for tests of forkless upgrades. Only the
    // runtime crate itself is rebuilt for it; the pallets' artifacts are shared.
    build(&workspace, &target_dir, &["--features", "lattice-runtime/upgrade-test"]);
    copy(&target_dir, &out_dir.join("lattice_runtime_upgrade_test.wasm"));
    println!("cargo:rustc-cfg=lattice_wasm_built");
}

fn build(workspace: &std::path::Path, target_dir: &std::path::Path, extra: &[&str]) {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace)
        .args(["rustc", "--locked", "--release", "-p", "lattice-runtime-wasm"])
        .args(["--target", "wasm32-unknown-unknown", "--crate-type", "cdylib"])
        .args(extra)
        .arg("--target-dir")
        .arg(target_dir)
        .env("CARGO_PROFILE_RELEASE_LTO", "fat")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "1")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3")
        .env("CARGO_PROFILE_RELEASE_PANIC", "abort")
        .env("CARGO_PROFILE_RELEASE_DEBUG", "false")
        .env("CARGO_PROFILE_RELEASE_INCREMENTAL", "false")
        .env("CARGO_ENCODED_RUSTFLAGS", "")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTC_WORKSPACE_WRAPPER");
    let status = cmd.status().expect("cargo can be run to build the Wasm runtime");
    if !status.success() {
        panic!("building the Wasm runtime failed (see the cargo output above)");
    }
}

fn copy(target_dir: &std::path::Path, dest: &std::path::Path) {
    let built = target_dir.join("wasm32-unknown-unknown/release/lattice_runtime_wasm.wasm");
    std::fs::copy(&built, dest)
        .unwrap_or_else(|e| panic!("copying {} failed: {e}", built.display()));
}
