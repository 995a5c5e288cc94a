//! The node's name and version.

/// `system_name`.
pub(crate) const IMPL_NAME: &str = "Lattice Node";

/// `system_version`: the crate version and, when built from git, the commit.
pub(crate) fn impl_version() -> &'static str {
    match option_env!("LATTICE_GIT_COMMIT") {
        Some(commit) if !commit.is_empty() => {
            static VERSION: std::sync::OnceLock<String> = std::sync::OnceLock::new();
            VERSION.get_or_init(|| format!("{}-{commit}", env!("CARGO_PKG_VERSION")))
        }
        _ => env!("CARGO_PKG_VERSION"),
    }
}
