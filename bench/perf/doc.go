// Package perf is the harness behind "oktadetect bench": it measures how
// many Okta events per second the detector handles through a real Kafka
// broker, how that compares with the most the same broker and client can
// deliver on the same machine, how long an alert takes at a steady load,
// and how throughput grows with more processes in one consumer group.
//
// The micro-benchmarks in package bench answer what one event costs on one
// core. This package answers what operators size deployments with: events
// per second per pod, and how many pods a volume needs.
//
//	r, err := perf.Run(ctx, perf.Config{
//		Binary:  "/usr/local/bin/oktadetect",
//		Brokers: []string{"127.0.0.1:9092"},
//		Events:  300_000,
//	})
//	if err != nil { ... }
//	err = r.WriteFiles("bench-report") // report.json, report.md, throughput.svg
//
// # What is measured
//
// Every measured process is started from Config.Binary, the oktadetect
// executable itself, so the figures are those of the code that ships:
//
//   - Preload. Run creates a topic with Config.Partitions partitions and
//     writes Config.Events records from package eventgen to it: all five
//     input shapes, 1–3 KB like real Okta events, with the configured
//     match and redelivery rates, spread evenly over the partitions.
//   - Ceiling. A plain franz-go group consumer with the client's defaults
//     ("oktadetect bench internal-consume-only", see ConsumeOnlyMain) reads
//     the topic from the start and discards every record. It is run
//     before and after the detector, and the faster run is the ceiling.
//   - Detector. "oktadetect run" reads the same topic in a fresh group and
//     writes alerts to a fresh topic: the production pipeline with its
//     production defaults, logging at warn, with no alert cap (every match
//     costs a whole alert).
//   - Profile. With Config.ProfileDir, one more detector pass serves
//     /debug/pprof/ and leaves cpu.pprof and allocs.pprof there. It is not
//     measured, so the profiler's own cost stays out of the figures.
//   - Exactly-once. With Config.ExactlyOnce, the detector pass and the
//     latency pass are repeated with --exactly-once.
//   - Latency. A detector reads an empty topic; once it is ready, events
//     are offered at Config.LatencyLoad times the measured throughput for
//     Config.LatencyDuration, after a short warm-up. For each matching
//     event the harness notes when Kafka acknowledged its write, and when
//     a consumer of the alerts topic first receives the alert naming it
//     (header oktadetect.event_id). The difference is the latency; p50,
//     p99 and max are reported. The match rate is raised as needed to get
//     about 1,500 alerts.
//   - Scaling. For each count in Config.Consumers, that many detector
//     processes read the preloaded topic in one fresh group. The entry for
//     one process is the detector pass.
//
// # How a pass is timed
//
// A pass's processes export oktadetect_events_total on /metrics, the
// ceiling consumer as well as the detector, next to the Go and process
// collectors. The harness reads them every Config.ScrapeInterval (every
// 10ms around the start and the end of the timed window) and times the
// window from the first scrape that sees events counted until the count
// reaches Config.Events, placed by interpolation between the scrapes around
// it. Start-up, connecting, the alerts follower's warm-up, joining the
// group and the first fetch fall before the window and are excluded; with
// several processes, so are the rebalances until every process holds its
// partitions. Rates are events in the window over its length; MB/s counts
// record values, 10^6 bytes to the MB. Allocations per event and CPU seconds
// per million events are the deltas of go_memstats_mallocs_total and
// process_cpu_seconds_total over the window, divided by the events counted
// in it. The detector counts a record when its batch is handed to the
// handler and the ceiling when a poll returns it, so both clocks stop when
// the last record has been received; the detector's last batch is still
// being handled then, which is at most one poll of a run of hundreds.
//
// # Why the comparison is fair
//
// The ceiling and the detector run the same way: each in its own process,
// started from the same binary with the same environment, GOMAXPROCS and
// client library, the only process the harness runs at the time (the
// harness itself only scrapes meanwhile), reading the same records
// from the same broker, scraped and timed by the same code. Neither
// shares a heap or a scheduler with the harness or, in embedded mode, with
// the in-process broker. The ceiling is deliberately the easier job: it
// polls without the detector's 10,000-record cap per cycle, holds no
// rebalance, and commits only in the background, so whatever the
// pipeline's cycle costs shows up as the gap. Reading it twice, around the
// detector, keeps a broker that warms up or slows down from favouring one
// side.
//
// # What the figures are worth
//
// On a small machine the broker, the processes measured and the load
// generator share the same cores: the latency pass in particular offers
// load from the harness's own process, so at high rates it measures the
// machine as much as the detector, and the report says when the offered
// rate was not reached. The report records the CPU, the core count, the
// Go and Kafka versions, the load average before and after, and labels a
// run that started on a busy machine (one-minute load above half the core
// count) as such. The embedded broker (Config.Embedded) is kfake running in
// the harness: fine for checking that the harness works, meaningless as a
// figure, and labelled so.
//
// Targets are stated, not enforced: the detector at 90% or more of the
// ceiling, and a p99 latency under 50ms at half load on loopback (see
// TargetShareOfCeiling and TargetLatencyP99Ms). The report says whether a
// run met them.
//
// # Clean-up
//
// Topic, group and transactional id names start with "okbench-", the date
// and a random suffix (Params.RunID), so concurrent runs do not meet. Run
// deletes its topics and groups at the end unless Config.KeepTopics is
// set, and stops every process it started, also when its context is
// canceled; on Linux the processes are also told to stop if the harness
// dies.
package perf
