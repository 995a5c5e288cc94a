//! The metric names, labels and values dashboards rely on.

use std::time::Duration;

use lattice_metrics::{BuildInfo, Error, MetricsRegistry, NodeMetrics};

fn build_info() -> BuildInfo {
    BuildInfo { name: "lattice".into(), version: "0.1.0-abc".into(), chain: "Local Testnet".into() }
}

#[test]
fn every_metric_with_its_labels() {
    let registry = MetricsRegistry::new();
    let metrics = NodeMetrics::register(&registry, &build_info()).expect("fresh registry");
    metrics.set_best(42);
    metrics.set_finalized(40);
    metrics.set_sync_target(1000);
    metrics.set_ready_transactions(7);
    metrics.observe_import(Duration::from_millis(20));
    metrics.observe_proposal(Duration::from_millis(300));
    metrics.observe_proposal_transactions(12);
    metrics.set_roles(4);
    metrics.set_peers(3);
    metrics.set_leaves(2);
    metrics.set_grandpa_round(9);

    let text = registry.gather_text();
    for line in [
        r#"substrate_block_height{status="best"} 42"#,
        r#"substrate_block_height{status="finalized"} 40"#,
        r#"substrate_block_height{status="sync_target"} 1000"#,
        "substrate_ready_transactions_number 7",
        "# TYPE substrate_block_verification_and_import_time histogram",
        r#"substrate_block_verification_and_import_time_bucket{le="0.025"} 1"#,
        "substrate_block_verification_and_import_time_count 1",
        "# TYPE substrate_proposer_block_constructed histogram",
        "substrate_proposer_block_constructed_sum 0.3",
        "substrate_proposer_block_constructed_count 1",
        r#"substrate_proposer_number_of_transactions_bucket{le="10"} 0"#,
        r#"substrate_proposer_number_of_transactions_bucket{le="20"} 1"#,
        "substrate_proposer_number_of_transactions_sum 12",
        r#"substrate_build_info{chain="Local Testnet",name="lattice",version="0.1.0-abc"} 1"#,
        "substrate_node_roles 4",
        "substrate_sub_libp2p_peers_count 3",
        "substrate_number_leaves 2",
        "substrate_finality_grandpa_round 9",
    ] {
        assert!(text.lines().any(|l| l == line), "missing `{line}` in:\n{text}");
    }
}

#[test]
fn heights_start_at_zero_and_saturate() {
    let registry = MetricsRegistry::new();
    let metrics = NodeMetrics::register(&registry, &build_info()).expect("fresh registry");
    let text = registry.gather_text();
    assert!(text.contains(r#"substrate_block_height{status="best"} 0"#), "{text}");
    metrics.set_best(u64::MAX);
    // Prometheus samples are floats, so `i64::MAX` prints rounded; what matters is that
    // it did not wrap negative.
    let text = registry.gather_text();
    let best: f64 = text
        .lines()
        .find_map(|line| line.strip_prefix(r#"substrate_block_height{status="best"} "#))
        .and_then(|value| value.parse().ok())
        .expect("reported");
    assert!(best > 9e18, "{best}");
}

#[cfg(target_os = "linux")]
#[test]
fn process_metrics_from_proc() {
    let registry = MetricsRegistry::new();
    let _metrics = NodeMetrics::register(&registry, &build_info()).expect("fresh registry");
    let text = registry.gather_text();
    for (name, kind) in [
        ("process_cpu_seconds_total", "counter"),
        ("process_resident_memory_bytes", "gauge"),
        ("process_virtual_memory_bytes", "gauge"),
        ("process_open_fds", "gauge"),
        ("process_start_time_seconds", "gauge"),
        ("process_threads", "gauge"),
    ] {
        assert!(text.contains(&format!("# TYPE {name} {kind}\n")), "missing {name} in:\n{text}");
        let value: f64 = text
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{name} ")))
            .and_then(|value| value.parse().ok())
            .unwrap_or_else(|| panic!("no value for {name} in:\n{text}"));
        assert!(value >= 0.0, "{name} = {value}");
        if name != "process_cpu_seconds_total" {
            assert!(value > 0.0, "{name} = {value}");
        }
    }
    // A second scrape works too, and CPU time only goes up.
    let cpu = |text: &str| -> f64 {
        text.lines()
            .find_map(|line| line.strip_prefix("process_cpu_seconds_total "))
            .and_then(|value| value.parse().ok())
            .expect("reported")
    };
    let before = cpu(&text);
    let mut spin = 0u64;
    for i in 0..5_000_000u64 {
        spin = std::hint::black_box(spin.wrapping_add(i));
    }
    assert!(cpu(&registry.gather_text()) >= before);
}

#[test]
fn registering_twice_fails_and_registers_nothing() {
    let registry = MetricsRegistry::new();
    let _first = NodeMetrics::register(&registry, &build_info()).expect("fresh registry");
    assert!(matches!(NodeMetrics::register(&registry, &build_info()), Err(Error::Prometheus(_))));

    // A clash half-way rolls back what came before it.
    let registry = MetricsRegistry::new();
    let squatter = prometheus::IntGauge::new("substrate_number_leaves", "squatter").expect("valid");
    registry.registry().register(Box::new(squatter)).expect("fresh registry");
    assert!(matches!(NodeMetrics::register(&registry, &build_info()), Err(Error::Prometheus(_))));
    let text = registry.gather_text();
    assert!(!text.contains("substrate_block_height"), "{text}");
    assert!(!text.contains("substrate_build_info"), "{text}");
}

#[test]
fn clones_share_metrics() {
    fn assert_send_sync_clone<T: Send + Sync + Clone>() {}
    assert_send_sync_clone::<NodeMetrics>();
    assert_send_sync_clone::<MetricsRegistry>();

    let registry = MetricsRegistry::new();
    let metrics = NodeMetrics::register(&registry, &build_info()).expect("fresh registry");
    let clone = metrics.clone();
    std::thread::spawn(move || clone.set_peers(11)).join().expect("no panic");
    assert!(registry.clone().gather_text().contains("substrate_sub_libp2p_peers_count 11"));
}
