// Package e2e proves oktadetect's delivery claims against real Apache
// Kafka, by running the real binary as processes: nothing is lost when a
// detector crashes, a partition moves or the broker restarts; alerts are
// not repeated where a mode promises it; poison records are set aside
// with their original bytes; TLS, SCRAM, readiness and graceful shutdown
// behave as an operator expects. The in-process kfake broker used by the
// unit tests never stands in for these claims.
//
// # Running it
//
//	make test                       # starts deploy/dev/kafka, runs every RealKafka test
//
// or, against a broker of your own:
//
//	deploy/dev/kafka start
//	eval "$(deploy/dev/kafka env)"
//	go test -count=1 -run RealKafka ./bench/e2e/
//
// Every real-broker test has RealKafka in its name and skips, with a
// message saying how to get a broker, when KAFKA_BROKERS is unset, so
// `go test ./...` passes anywhere. TestMain (see Main) builds
// ./cmd/oktadetect once into a temporary directory, only when a broker is
// configured. The suite takes two to three minutes on the idle 2-core
// development machine, and up to five under load. Tests run one after the other: some restart,
// pause or re-certify the broker, so no other real-broker tests should
// use the same broker meanwhile.
//
// Each test uses its own topics, group and transactional ids (UniqueName:
// the test's name plus a random suffix), so tests are independent and can
// be re-run against the same broker; topics are deleted when a test
// passes and kept, with their names logged, when it fails.
//
// # What each scenario proves
//
// TestRealKafkaHappyPath: 100,000 events of every input shape on six
// partitions, ~0.1% matching, ~1% redelivered byte for byte (some on
// another partition than their original). One detector, in each delivery
// mode, writes exactly one alert per distinct matching event, counts
// every matching redelivery as a duplicate, and nothing else. It also
// measures each mode's throughput (logged, not asserted).
//
// TestRealKafkaCrash: while events stream in, the detector is SIGKILLed
// at random moments five times and restarted. No alert is missing; at
// least once may repeat an alert, with the same id; exactly once never
// does for a read_committed reader.
//
// TestRealKafkaRebalance: three detectors in one group, with the classic
// and the KIP-848 protocol; one joins late, one is stopped with SIGTERM
// mid-stream. Nothing is lost and every alert is an expected one.
//
// TestRealKafkaBrokerRestart: the broker restarts mid-stream
// (deploy/dev/kafka restart; only when the broker under test is that
// script's). The detector rides it out without a restart and loses
// nothing, in both modes.
//
// TestRealKafkaPoison: truncated JSON, binary garbage, a ~1 MB event,
// JSON nested 10,000 deep, a JSON array and an empty record between good
// events on one partition. The partition keeps flowing, and each poison
// record reaches the dead-letter topic with its original key, bytes and
// headers plus the error reason and message and its source topic,
// partition and offset.
//
// TestRealKafkaKcat: a non-franz-go client (kcat, librdkafka) produces an
// NDJSON export and reads the alerts back. kcat must be installed; the
// test fails, not skips, without it.
//
// TestRealKafkaDedupeRestart: an event that alerted does not alert again
// when it comes back after the detector restarted (the cache is warmed
// from the alerts topic), nor when it arrives on a partition another
// detector of the group owns.
//
// TestRealKafkaTLSSCRAM: the detector works end to end through the
// SASL_SSL listener with SCRAM-SHA-512, trusting only a CA the test
// generated and whose certificate it installs on the listener (and
// removes afterwards); a wrong password, or a CA that did not sign the
// broker's certificate, fails at start with a clear message.
//
// TestRealKafkaReadinessAndShutdown: /readyz is 503 until the group
// assigns partitions and 200 after; /metrics counts events and alerts as
// they flow and reports the consumer lag; on SIGTERM /readyz turns 503,
// and the process commits everything it processed and exits 0 within its
// --shutdown-timeout.
//
// # The harness
//
// The exported API is the harness, meant for further scenarios:
//
//   - RequireBroker and Broker: the broker from the environment, clients,
//     NewTopic, RemoveAtEnd, Lag, WaitCaughtUp, HoldGroup,
//     SetConsumerGroupSession, UseSASLSSLCertificate.
//   - StartFeed and Produce: generated events (package eventgen) produced
//     in the background or one by one; a Workload says which alerts they
//     must raise (detect.AlertID of the built-in rule and each matching
//     event's uuid).
//   - StartDetector and Detector: an `oktadetect run` process with its
//     log captured (and its tail printed when a test fails), its HTTP
//     endpoints, metrics, partition ownership, Kill (SIGKILL), Terminate
//     (SIGTERM) and Wait.
//   - ReadAlerts, WaitAlerts and CheckAlerts: alerts read back to the
//     topic's end, read_committed or not, compared exactly with what the
//     workload must raise.
//   - DevBroker: restart or pause the deploy/dev/kafka broker.
//
// Detectors run with --max-alerts lifted, because the built-in rule's
// max_signals (100 per 5 minutes) would otherwise cap the alerts the
// suite counts on, and without the OKTADETECT_* environment variables of
// the shell running the tests.
//
// Waits poll for a condition with a generous bound (90s for most) that
// only turns a hang into a failure; no test asserts how fast anything is,
// except that a SIGTERMed detector exits within its own
// --shutdown-timeout, which is its contract.
package e2e
