package stream

import (
	"context"

	"github.com/twmb/franz-go/pkg/kgo"
)

// Handler turns one partition's consumed records into output records.
//
// Handle is called concurrently for different partitions, never concurrently
// for the same partition, and always in offset order per partition. A non-nil
// error is fatal: Run stops without committing this batch, and the records
// are read again after a restart.
//
// The context passed to Handle is not canceled when Run's context is: a
// batch that has started is allowed to finish during a graceful shutdown.
// It is canceled only when the shutdown timeout runs out.
type Handler interface {
	Handle(ctx context.Context, b *Batch) error
}

// HandlerFunc adapts an ordinary function to a Handler.
type HandlerFunc func(ctx context.Context, b *Batch) error

// Handle calls f(ctx, b).
func (f HandlerFunc) Handle(ctx context.Context, b *Batch) error { return f(ctx, b) }

// Batch is the unit of work handed to a Handler: the records one poll
// returned for one partition, and the outputs the handler wants written.
type Batch struct {
	// Topic and Partition identify where Records came from.
	Topic     string
	Partition int32

	// Records are in offset order. They are read-only for the handler;
	// the pipeline does not recycle them, so a handler may keep
	// references (including zero-copy strings into Key or Value) for as
	// long as it likes.
	Records []*kgo.Record

	// Out holds the records to produce, typically alerts. A record whose
	// Topic is empty goes to the alerts topic. Records are produced in
	// slice order; records for the same output partition keep that order.
	// Each must be a new *kgo.Record: the producer owns it until it is
	// acknowledged.
	Out []*kgo.Record

	// Dead holds input records the handler could not process and wants
	// dead-lettered. See DeadLetterTopic for where they go.
	Dead []DeadLetter

	// Done, when set by the handler, is called exactly once with the
	// batch's fate.
	//
	// committed is true once the batch's outputs are acknowledged by
	// Kafka AND its offsets are marked for commit (in exactly-once mode:
	// once the transaction that carried them committed). committed is
	// false when they were not: a produce failure, an aborted
	// transaction, a rebalance that took the partition away, a handler
	// error, or a shutdown that ran out of time. Records of an
	// uncommitted batch will be delivered again (to this instance or to
	// another one), so the handler must undo any state it recorded for
	// them, such as entries in a duplicate-suppression cache.
	//
	// Done is called from the pipeline's goroutine, after Handle
	// returned; it must not block for long.
	Done func(committed bool)
}

// DeadLetter is an input record the handler gives up on.
type DeadLetter struct {
	// Record is the input record, written to the dead-letter topic with
	// its original key, value, headers and timestamp.
	Record *kgo.Record

	// Reason is a short, stable, machine-readable code such as
	// "invalid_json" or "missing_uuid". It becomes the
	// HeaderErrorReason header.
	Reason string

	// Err is the detail. Its text becomes the HeaderErrorMessage header
	// and may be logged, so it must not contain record content (which
	// can hold personal data).
	Err error
}
