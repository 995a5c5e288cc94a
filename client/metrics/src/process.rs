//! Process metrics read from `/proc/self` at scrape time.
//!
//! The `prometheus` crate has a process collector, but behind its `process` feature,
//! which pulls in `procfs` and `libc`; the handful of numbers dashboards use take a few
//! lines of parsing instead.

use parking_lot::Mutex;
use prometheus::core::{Collector, Desc};
use prometheus::proto::MetricFamily;
use prometheus::{Counter, Gauge, IntGauge, Opts};

/// Clock ticks per second, the unit of the CPU times and the start time in
/// `/proc/self/stat`.
///
/// This is `sysconf(_SC_CLK_TCK)`, which is 100 on every Linux architecture Lattice runs
/// on (the kernel's `USER_HZ`, fixed by the ABI independently of the kernel's `HZ`);
/// hard-coding it spares a `libc` dependency.
const CLOCK_TICKS_PER_SECOND: f64 = 100.0;

/// Exports `process_cpu_seconds_total`, `process_resident_memory_bytes`,
/// `process_virtual_memory_bytes`, `process_open_fds`, `process_start_time_seconds` and
/// `process_threads` for the current process.
///
/// Values are read from `/proc/self` at each scrape. Where `/proc` is missing (other
/// operating systems, a restricted sandbox) the collector reports nothing rather than
/// zeros.
#[derive(Debug)]
pub(crate) struct ProcessCollector {
    descs: Vec<Desc>,
    metrics: Mutex<Metrics>,
}

/// The metric handles of [`ProcessCollector`]; behind a mutex so that concurrent scrapes
/// do not both add the same CPU time delta to the counter.
#[derive(Debug)]
struct Metrics {
    cpu_seconds: Counter,
    resident_memory: IntGauge,
    virtual_memory: IntGauge,
    open_fds: IntGauge,
    start_time: Gauge,
    threads: IntGauge,
}

impl ProcessCollector {
    /// A collector of the current process's metrics.
    pub(crate) fn new() -> prometheus::Result<Self> {
        let metrics = Metrics {
            cpu_seconds: Counter::with_opts(Opts::new(
                "process_cpu_seconds_total",
                "Total user and system CPU time spent in seconds.",
            ))?,
            resident_memory: IntGauge::with_opts(Opts::new(
                "process_resident_memory_bytes",
                "Resident memory size in bytes.",
            ))?,
            virtual_memory: IntGauge::with_opts(Opts::new(
                "process_virtual_memory_bytes",
                "Virtual memory size in bytes.",
            ))?,
            open_fds: IntGauge::with_opts(Opts::new(
                "process_open_fds",
                "Number of open file descriptors.",
            ))?,
            start_time: Gauge::with_opts(Opts::new(
                "process_start_time_seconds",
                "Start time of the process since unix epoch in seconds.",
            ))?,
            threads: IntGauge::with_opts(Opts::new(
                "process_threads",
                "Number of OS threads in the process.",
            ))?,
        };
        let descs = [
            metrics.cpu_seconds.desc(),
            metrics.resident_memory.desc(),
            metrics.virtual_memory.desc(),
            metrics.open_fds.desc(),
            metrics.start_time.desc(),
            metrics.threads.desc(),
        ]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
        Ok(Self { descs, metrics: Mutex::new(metrics) })
    }
}

impl Collector for ProcessCollector {
    fn desc(&self) -> Vec<&Desc> {
        self.descs.iter().collect()
    }

    fn collect(&self) -> Vec<MetricFamily> {
        // Reading procfs never waits for a disk: it is a few small in-memory files, so
        // this runs inline in the scrape.
        let Some(sample) = ProcSample::read() else { return Vec::new() };
        let metrics = self.metrics.lock();
        let mut families = Vec::with_capacity(6);

        let cpu = sample.stat.cpu_seconds();
        let counted = metrics.cpu_seconds.get();
        // A counter only goes up; CPU time does too, so the delta is never negative
        // except by float rounding.
        if cpu > counted {
            metrics.cpu_seconds.inc_by(cpu - counted);
        }
        families.extend(metrics.cpu_seconds.collect());

        metrics.virtual_memory.set(saturating_i64(sample.stat.virtual_memory_bytes));
        families.extend(metrics.virtual_memory.collect());
        metrics.threads.set(saturating_i64(sample.stat.threads));
        families.extend(metrics.threads.collect());

        if let Some(rss) = sample.resident_memory_bytes {
            metrics.resident_memory.set(saturating_i64(rss));
            families.extend(metrics.resident_memory.collect());
        }
        if let Some(fds) = sample.open_fds {
            metrics.open_fds.set(saturating_i64(fds));
            families.extend(metrics.open_fds.collect());
        }
        if let Some(boot_time) = sample.boot_time {
            metrics.start_time.set(sample.stat.start_time_seconds(boot_time));
            families.extend(metrics.start_time.collect());
        }
        families
    }
}

/// One reading of `/proc`; the optional parts are those whose file may be unreadable
/// while `/proc/self/stat` is readable.
struct ProcSample {
    stat: Stat,
    resident_memory_bytes: Option<u64>,
    open_fds: Option<u64>,
    boot_time: Option<u64>,
}

impl ProcSample {
    #[cfg(target_os = "linux")]
    fn read() -> Option<Self> {
        let stat = parse_stat(&std::fs::read_to_string("/proc/self/stat").ok()?)?;
        let resident_memory_bytes = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| parse_status_rss_bytes(&status));
        // `read_dir` of `/proc/self/fd` opens one descriptor itself, listed while the
        // iteration runs; subtract it so an idle process reports what it holds.
        let open_fds = std::fs::read_dir("/proc/self/fd")
            .ok()
            .map(|entries| (entries.count() as u64).saturating_sub(1));
        let boot_time =
            std::fs::read_to_string("/proc/stat").ok().and_then(|stat| parse_boot_time(&stat));
        Some(Self { stat, resident_memory_bytes, open_fds, boot_time })
    }

    #[cfg(not(target_os = "linux"))]
    fn read() -> Option<Self> {
        None
    }
}

/// The fields of `/proc/[pid]/stat` the collector uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Stat {
    /// User-mode CPU time, in clock ticks (field 14).
    utime: u64,
    /// Kernel-mode CPU time, in clock ticks (field 15).
    stime: u64,
    /// Number of threads (field 20).
    threads: u64,
    /// Start time after system boot, in clock ticks (field 22).
    start_time_ticks: u64,
    /// Virtual memory size in bytes (field 23).
    virtual_memory_bytes: u64,
}

impl Stat {
    fn cpu_seconds(&self) -> f64 {
        self.utime.saturating_add(self.stime) as f64 / CLOCK_TICKS_PER_SECOND
    }

    fn start_time_seconds(&self, boot_time: u64) -> f64 {
        boot_time as f64 + self.start_time_ticks as f64 / CLOCK_TICKS_PER_SECOND
    }
}

/// Parses `/proc/[pid]/stat`, `None` when it is not in the expected format.
///
/// The second field, the command name in parentheses, may itself contain spaces and
/// parentheses (a thread can name itself `a) b (c`), so fields are counted from after the
/// *last* `)`.
fn parse_stat(text: &str) -> Option<Stat> {
    let after_comm = &text[text.rfind(')')? + 1..];
    // `fields[0]` is field 3 (the state) in proc(5)'s numbering.
    let fields: Vec<&str> = after_comm.split_ascii_whitespace().collect();
    let field = |number: usize| -> Option<u64> { fields.get(number - 3)?.parse().ok() };
    Some(Stat {
        utime: field(14)?,
        stime: field(15)?,
        threads: field(20)?,
        start_time_ticks: field(22)?,
        virtual_memory_bytes: field(23)?,
    })
}

/// The resident set size from `/proc/[pid]/status` (`VmRSS:  1234 kB`), in bytes.
///
/// `status` is used rather than `statm` because it states its unit, while `statm` counts
/// pages of a size only `sysconf` knows. Kernel threads have no `VmRSS` line: `None`.
fn parse_status_rss_bytes(text: &str) -> Option<u64> {
    let line = text.lines().find_map(|line| line.strip_prefix("VmRSS:"))?;
    let mut parts = line.split_ascii_whitespace();
    let value: u64 = parts.next()?.parse().ok()?;
    match parts.next() {
        Some("kB") => Some(value.saturating_mul(1024)),
        _ => None,
    }
}

/// The boot time, in seconds since the Unix epoch, from the `btime` line of `/proc/stat`.
fn parse_boot_time(text: &str) -> Option<u64> {
    text.lines().find_map(|line| line.strip_prefix("btime "))?.trim().parse().ok()
}

/// Prometheus integer gauges are `i64`; values past `i64::MAX` cannot occur for these
/// quantities but saturate rather than wrap.
pub(crate) fn saturating_i64(value: u64) -> i64 {
    i64::try_from(value).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A real line of `/proc/self/stat` (from a `cat` process), 52 fields.
    const STAT: &str = "2541 (cat) R 2520 2541 2520 34816 2541 4194304 96 0 0 0 150 42 0 0 20 0 \
        1 0 123456 8531968 196 18446744073709551615 94630000000000 94630000020000 \
        140730000000000 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0 94630000030000 94630000031000 \
        94630000040000 140730000001000 140730000001020 140730000001020 140730000002000 0\n";

    #[test]
    fn stat_fields() {
        let stat = parse_stat(STAT).expect("well-formed");
        assert_eq!(
            stat,
            Stat {
                utime: 150,
                stime: 42,
                threads: 1,
                start_time_ticks: 123456,
                virtual_memory_bytes: 8531968,
            }
        );
        assert!((stat.cpu_seconds() - 1.92).abs() < 1e-9);
        assert!((stat.start_time_seconds(1_700_000_000) - 1_700_001_234.56).abs() < 1e-6);
    }

    #[test]
    fn stat_comm_with_spaces_and_parentheses() {
        let tricky = STAT.replace("(cat)", "(my) (evil ) proc)");
        let stat = parse_stat(&tricky).expect("comm is skipped up to the last ')'");
        assert_eq!(stat, parse_stat(STAT).expect("well-formed"));
        // A naive split on whitespace would have read field 14 from inside the name.
        let naive: Vec<&str> = tricky.split_whitespace().collect();
        assert_ne!(naive[13], "150");
    }

    #[test]
    fn stat_malformed() {
        assert_eq!(parse_stat(""), None);
        assert_eq!(parse_stat("2541 (cat"), None);
        assert_eq!(parse_stat("2541 (cat) R 1 2 3"), None);
        assert_eq!(parse_stat(&STAT.replace(" 150 ", " x ")), None);
    }

    #[test]
    fn status_rss() {
        let status = "Name:\tlattice\nVmPeak:\t  200000 kB\nVmSize:\t  180000 kB\n\
                      VmRSS:\t   12345 kB\nThreads:\t12\n";
        assert_eq!(parse_status_rss_bytes(status), Some(12345 * 1024));
        assert_eq!(parse_status_rss_bytes("Name:\tkthreadd\nThreads:\t1\n"), None);
        assert_eq!(parse_status_rss_bytes("VmRSS:\t12 MB\n"), None);
        assert_eq!(parse_status_rss_bytes("VmRSS:\tlots kB\n"), None);
    }

    #[test]
    fn boot_time() {
        let stat = "cpu  1 2 3 4\ncpu0 1 2 3 4\nintr 5 6\nctxt 77\nbtime 1700000000\n\
                    processes 1234\n";
        assert_eq!(parse_boot_time(stat), Some(1_700_000_000));
        assert_eq!(parse_boot_time("cpu 1 2 3\n"), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reads_own_process() {
        let sample = ProcSample::read().expect("/proc is mounted on Linux test machines");
        assert!(sample.stat.threads >= 1);
        assert!(sample.stat.virtual_memory_bytes > 0);
        assert!(sample.resident_memory_bytes.expect("a user process has VmRSS") > 0);
        assert!(sample.open_fds.expect("/proc/self/fd is readable") >= 1);
        assert!(sample.boot_time.expect("/proc/stat has btime") > 1_000_000_000);
    }
}
