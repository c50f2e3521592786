// Package batch processes the records of an SQS, Kinesis or DynamoDB stream
// batch one at a time and returns the identifiers of those that failed, for
// the handlers' batchItemFailures: Lambda then retries (and finally
// dead-letters) those records only, instead of the whole batch.
package batch

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"time"
)

// MaxMargin caps the time Process keeps, before the function's deadline, to
// return its response: 10% of the time left when the batch starts, at most
// MaxMargin. Answering takes milliseconds; the margin is there so that a
// record still running is canceled, and reported, before Lambda kills the
// whole invocation, which would retry the entire batch. A fixed margin of a
// few seconds would eat most of a short timeout; 10% alone would waste
// minutes of a long one.
const MaxMargin = 2 * time.Second

// Process hands each record to process, in order, and returns the ids (as
// given by id) of the records that failed, in order; nil when none did.
//
// A record fails when process returns an error or panics: the panic is
// recovered, so that one bad record never fails its batch. Records after a
// failed one are still processed. For streams, Lambda resumes from the
// lowest failed sequence number, so the records after it come again: process
// must be idempotent, as it must be anyway for at-least-once delivery.
//
// When the deadline of ctx comes within the margin (see MaxMargin), Process
// stops and reports every record not yet processed as failed: they come back
// in a later batch. The ctx that process receives expires at that point, so
// that a slow call is canceled rather than running into the timeout.
func Process[R any](ctx context.Context, records []R, id func(R) string, process func(context.Context, R) error) []string {
	ctx, cancel := withMargin(ctx)
	defer cancel()

	var failed []string
	for i, record := range records {
		if err := ctx.Err(); err != nil {
			slog.WarnContext(ctx, "stopping before the deadline: unprocessed records reported as failed",
				"unprocessed", len(records)-i, "error", err)
			for _, left := range records[i:] {
				failed = append(failed, id(left))
			}
			break
		}
		if err := processOne(ctx, record, process); err != nil {
			slog.ErrorContext(ctx, "batch item failed", "itemId", id(record), "error", err)
			failed = append(failed, id(record))
		}
	}
	return failed
}

// ItemFailure is the entry of a batch response's batchItemFailures: the one
// struct that aws-lambda-go names events.SQSBatchItemFailure,
// events.KinesisBatchItemFailure and events.DynamoDBBatchItemFailure.
type ItemFailure interface {
	~struct {
		ItemIdentifier string `json:"itemIdentifier"`
	}
}

// Failures returns the batchItemFailures that report ids (as Process
// returns them): an empty list, not null, when none failed.
func Failures[F ItemFailure](ids []string) []F {
	failures := make([]F, 0, len(ids))
	for _, id := range ids {
		failures = append(failures, F{ItemIdentifier: id})
	}
	return failures
}

// withMargin returns ctx with its deadline moved earlier by the margin.
func withMargin(ctx context.Context) (context.Context, context.CancelFunc) {
	deadline, ok := ctx.Deadline()
	if !ok {
		return context.WithCancel(ctx)
	}
	margin := max(min(time.Until(deadline)/10, MaxMargin), 0)
	return context.WithDeadline(ctx, deadline.Add(-margin))
}

// processOne calls process, turning a panic into an error that carries the
// stack, for the log.
func processOne[R any](ctx context.Context, record R, process func(context.Context, R) error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = fmt.Errorf("panic: %v\n%s", v, debug.Stack())
		}
	}()
	return process(ctx, record)
}
