// Package stream is oktadetect's Kafka side: it reads Okta events from input
// topics in a consumer group, hands them to a Handler one partition at a
// time, and writes what the handler returns (alerts, dead letters) back to
// Kafka, committing input offsets only once that output is safe. It knows
// nothing about rules or alerts; a Handler sees records in and records out.
//
//	p, err := stream.New(detector,
//		stream.Brokers("kafka-0:9092", "kafka-1:9092"),
//		stream.Topics("logs-okta.*"),
//		stream.AlertsTopic("oktadetect-alerts"),
//		stream.DeadLetterTopic("oktadetect-dead-letters"),
//		stream.Follow("", 48*time.Hour, 1_000_000, detector.Remember),
//	)
//	if err != nil { ... }
//	err = p.Run(ctx) // until ctx is canceled
//
// # The cycle
//
// Run works in cycles. A cycle polls what the brokers have delivered (at
// most 50,000 records), splits it into one Batch per partition, and runs
// the handler on the batches concurrently, at most Workers at a time. A
// partition's batches are always handled one after the other, in offset
// order, because a cycle ends before the next poll. As each handler
// returns, its Out records and dead letters are handed to the producer;
// the cycle then waits until Kafka has acknowledged every one of them.
//
// # At-least-once (the default)
//
// A batch's offsets are marked for commit only after all of its outputs are
// acknowledged (acks=all, idempotent producer), and its Done is then called
// with true. Marked offsets are committed every few seconds, when
// partitions are revoked, and on shutdown. If a produce fails for good, or
// the handler returns an error, the batch is not marked, its Done gets
// false, and Run stops with the error: the process is expected to exit and
// be restarted, and the restart reads again from the last commit. Nothing
// is lost; some records may be handled twice, which is what the alerts
// follower below is for.
//
// Rebalances are held off while a cycle runs (franz-go's
// BlockRebalanceOnPoll), so a cycle never marks a partition it no longer
// owns. When partitions are revoked the marked offsets are committed
// synchronously before they are given up, so the next owner starts after
// the work already done. When partitions are lost (the group session
// expired) nothing is committed: another member may already own them, and
// committing could move its position backwards.
//
// # Exactly-once (ExactlyOnce)
//
// Each cycle is one Kafka transaction: the outputs, the dead letters and
// the consumed offsets are committed together or not at all, and
// downstream readers using read_committed see each alert once. Input is
// read with read_committed too. Rebalances are not held off: a revoke
// that arrives before the transaction ends makes it abort, the batches'
// Done get false, and the records are read again by whoever owns them
// next. A handler error or a failed produce aborts the transaction and
// stops Run. Every instance needs its own transactional ID.
//
// The price is a handful of broker round trips per cycle: registering the
// output partitions and the group's offsets with the transaction,
// committing the offsets, a heartbeat proving the member still owns its
// partitions, and ending the transaction. Large cycles hide it; small ones
// (a pipeline keeping up with a trickle of events) pay it on every poll. On
// an in-process test broker a transaction costs about 175µs against about
// 25µs for an at-least-once cycle; over a network, count four to five round
// trips. Readers of the alerts topic must use read_committed, or they also
// see aborted alerts.
//
// # Output topics and dead letters
//
// Out records without a topic go to AlertsTopic. A DeadLetter is written to
// DeadLetterTopic with the original key, value, headers and timestamp, plus
// headers naming the reason, the error and the source topic, partition and
// offset (see HeaderErrorReason and its siblings). Without a dead-letter
// topic, a dead letter is logged (never its content), counted, and skipped.
// The alerts and dead-letter topics are created at start if missing (see
// CreateTopics), and their max.message.bytes is read so that a dead letter
// too large for its topic is cut to fit, with HeaderTruncated saying so,
// instead of being refused. If the broker still refuses one, it is cut
// shorter and written again: the fact that a record was dead-lettered is
// never lost.
//
// # Warm-up: following the alerts topic
//
// A detector suppresses duplicate alerts by remembering which events it
// has alerted on. That memory must survive restarts and partitions moving
// between instances, because at-least-once delivery means a record can
// come back. With Follow, a separate consumer reads the recent tail of the
// alerts topic and hands each alert to a callback that refills the
// memory. Run waits for it to reach what the topic held at start before
// consuming input (the warm-up; its length and record count are logged and
// exported), and on every assignment it waits again until the follower has
// read what the topic held at that moment, so the previous owner's last
// alerts are known before its partitions are handled here.
//
// # Shutdown and readiness
//
// Canceling Run's context starts a graceful shutdown: Ready turns false at
// once, polling stops, the batch in flight finishes (its handler's context
// is not canceled), offsets are committed, the group is left and the
// clients are closed, all within ShutdownTimeout. Run then returns nil.
// Ready is true only while the pipeline is in a group with an assignment
// (possibly empty), warmed up, and without a failed producer.
//
// # Start-up checks
//
// Run first checks the brokers answer (within 10s), and fails with the
// addresses tried and the underlying error if they do not. An input topic
// that does not exist is logged and read once it appears; a pattern that
// matches nothing yet is fine, since new matching topics are picked up
// while running.
//
// # Metrics
//
// NewMetrics creates the Prometheus metrics; MetricNames lists every family
// the process can export, franz-go's client metrics included. The handler
// reports detection-level metrics through Metrics' Count* and Observe*
// methods.
package stream
