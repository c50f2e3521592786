// Package batch processes the records of an SQS, Kinesis or DynamoDB stream
// batch and returns the identifiers of those that failed, for the handlers'
// batchItemFailures: Lambda then retries (and finally dead-letters) those
// records only, instead of the whole batch.
//
// A batch runs in one of two ways, chosen by its source:
//
//   - ProcessInOrder, for streams (Kinesis, DynamoDB): one record at a time,
//     stopping at the first failure. Lambda resumes a shard from the lowest
//     sequence number reported, so a later record processed anyway would be
//     applied before the failed one, and again after it.
//   - ProcessConcurrently, for SQS standard queues, whose messages are
//     independent: up to n records at a time, each reported on its own.
//
// Both turn a panic into the failure of its record, and stop before the
// function's deadline (see MaxMargin). Records come again after a failure,
// and are delivered at least once anyway: processing must be idempotent.
//
//   - ProcessInGroups, for SQS FIFO queues: ProcessInOrder's rule within
//     each message group, up to n groups at a time.
//
// Every call writes the batch's FailedItems metric (see metrics.go).
package batch

import (
	"context"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"
)

// MaxMargin caps the time that the Process functions keep, before the
// function's deadline, to return their response: 10% of the time left when
// the batch starts, at most MaxMargin. Answering takes milliseconds; the
// margin is there so that a record still running is canceled, and reported,
// before Lambda kills the whole invocation, which would retry the entire
// batch. A fixed margin of a few seconds would eat most of a short timeout;
// 10% alone would waste minutes of a long one.
const MaxMargin = 2 * time.Second

// ProcessInOrder hands each record to process, one at a time and in order,
// until one fails: it returns the ids (as given by id) of that record and of
// every record after it, which process never saw; nil when none failed.
// This is what ordered sources need: Lambda retries a stream's shard from
// the first record reported, and an SQS FIFO queue's Lambda integration
// wants every message after a failed one back.
//
// A record fails when process returns an error or panics: the panic is
// recovered and logged with its stack, and ends the batch like an error.
//
// When the deadline of ctx comes within the margin (see MaxMargin),
// ProcessInOrder stops and reports every record not yet processed as
// failed: they come back in a later batch. The ctx that process receives
// expires at that point, so that a slow call is canceled rather than
// running into the timeout.
func ProcessInOrder[R any](ctx context.Context, records []R, id func(R) string, process func(context.Context, R) error) []string {
	ctx, cancel := withMargin(ctx)
	defer cancel()
	return reported(ids(records[inOrder(ctx, records, id, process):], id))
}

// ProcessInGroups is ProcessInOrder within each group of records (as given
// by group, such as an SQS FIFO message's MessageGroupId), running up to
// workers groups at a time, each in its own goroutine: when a record fails,
// it returns the ids of that record and of every later record of its group,
// in the batch's order; records of other groups are unaffected. This is what
// an SQS FIFO queue's Lambda integration needs to keep each group's order.
// workers below 1 count as 1; process must be safe for concurrent use.
//
// Groups start in the order of their first record. When the deadline of ctx
// comes within the margin (see MaxMargin), no group starts any more, and the
// records of those not started, like those not yet processed in the groups
// running, are reported as failed.
func ProcessInGroups[R any](ctx context.Context, records []R, id func(R) string, group func(R) string, workers int, process func(context.Context, R) error) []string {
	ctx, cancel := withMargin(ctx)
	defer cancel()

	groups := groupsOf(records, group)
	failed := make([]bool, len(records)) // each group's indexes written by its own goroutine only
	started := spread(ctx, len(groups), workers, func(g int) {
		members := make([]R, len(groups[g]))
		for k, i := range groups[g] {
			members[k] = records[i]
		}
		for _, i := range groups[g][inOrder(ctx, members, id, process):] {
			failed[i] = true
		}
	})
	if started < len(groups) {
		slog.WarnContext(ctx, "stopping before the deadline: the groups not started reported as failed",
			"unprocessedGroups", len(groups)-started, "error", context.Cause(ctx))
		for _, members := range groups[started:] {
			for _, i := range members {
				failed[i] = true
			}
		}
	}
	var failedIDs []string
	for i, record := range records {
		if failed[i] {
			failedIDs = append(failedIDs, id(record))
		}
	}
	return reported(failedIDs)
}

// ProcessConcurrently hands the records to process, up to workers at a time
// (each call in its own goroutine), and returns the ids (as given by id) of
// the records that failed, in the batch's order; nil when none did. A
// failure, or a panic, fails its own record only. workers below 1 count
// as 1. process must be safe for concurrent use.
//
// Records are started in the batch's order, each as soon as a worker is
// free. When the deadline of ctx comes within the margin (see MaxMargin),
// no record is started any more and those not started are reported as
// failed: they come back in a later batch. The ctx that the running calls
// receive expires at that point, so that they stop and, when they return an
// error, are reported too; ProcessConcurrently returns once they all have.
func ProcessConcurrently[R any](ctx context.Context, records []R, id func(R) string, workers int, process func(context.Context, R) error) []string {
	ctx, cancel := withMargin(ctx)
	defer cancel()

	failed := make([]bool, len(records)) // each index written by its own goroutine only
	started := spread(ctx, len(records), workers, func(i int) {
		if err := processOne(ctx, records[i], process); err != nil {
			slog.ErrorContext(ctx, "batch item failed", "itemId", id(records[i]), "error", err)
			failed[i] = true
		}
	})
	if started < len(records) {
		slog.WarnContext(ctx, "stopping before the deadline: unprocessed records reported as failed",
			"unprocessed", len(records)-started, "error", context.Cause(ctx))
	}
	var failedIDs []string
	for i, record := range records {
		if i >= started || failed[i] {
			failedIDs = append(failedIDs, id(record))
		}
	}
	return reported(failedIDs)
}

// Process hands each record to process, one at a time and in order, and
// returns the ids (as given by id) of the records that failed, in order; nil
// when none did. Records after a failed one are still processed. It is
// ProcessConcurrently with one worker.
//
// Deprecated: choose the mode of the source. For a stream (Kinesis,
// DynamoDB), use ProcessInOrder: Lambda retries from the first failure, so
// Process applies the records after it before the failed one. For an SQS
// standard queue, use ProcessConcurrently, with workers set to 1 to keep
// Process's behavior exactly.
func Process[R any](ctx context.Context, records []R, id func(R) string, process func(context.Context, R) error) []string {
	return ProcessConcurrently(ctx, records, id, 1, process)
}

// ItemFailure is the entry of a batch response's batchItemFailures: the one
// struct that aws-lambda-go names events.SQSBatchItemFailure,
// events.KinesisBatchItemFailure and events.DynamoDBBatchItemFailure.
type ItemFailure interface {
	~struct {
		ItemIdentifier string `json:"itemIdentifier"`
	}
}

// Failures returns the batchItemFailures that report ids (as the Process
// functions return them): an empty list, not null, when none failed.
func Failures[F ItemFailure](ids []string) []F {
	failures := make([]F, 0, len(ids))
	for _, id := range ids {
		failures = append(failures, F{ItemIdentifier: id})
	}
	return failures
}

// inOrder is the loop of ProcessInOrder and of each group of
// ProcessInGroups, on a ctx that already has its margin. It returns the
// index of the first record that failed or was not processed; len(records)
// when all succeeded.
func inOrder[R any](ctx context.Context, records []R, id func(R) string, process func(context.Context, R) error) int {
	for i, record := range records {
		if err := ctx.Err(); err != nil {
			slog.WarnContext(ctx, "stopping before the deadline: unprocessed records reported as failed",
				"unprocessed", len(records)-i, "error", context.Cause(ctx))
			return i
		}
		if err := processOne(ctx, record, process); err != nil {
			slog.ErrorContext(ctx, "batch item failed", "itemId", id(record), "error", err)
			if later := len(records) - i - 1; later > 0 {
				slog.WarnContext(ctx, "stopping at the first failure: the records after it reported as failed, to be retried in order",
					"unprocessed", later)
			}
			return i
		}
	}
	return len(records)
}

// groupsOf returns the indexes of records by group, each group's in the
// batch's order, the groups in the order of their first record.
func groupsOf[R any](records []R, group func(R) string) [][]int {
	var groups [][]int
	position := make(map[string]int)
	for i, record := range records {
		key := group(record)
		g, ok := position[key]
		if !ok {
			g = len(groups)
			position[key] = g
			groups = append(groups, nil)
		}
		groups[g] = append(groups[g], i)
	}
	return groups
}

// spread calls work(i) for i from 0 to count-1, in its own goroutine, with
// at most workers calls running at a time; it starts each i as soon as a
// worker is free, until ctx ends. It waits for the calls it started and
// returns how many it started: the first ones, in order.
func spread(ctx context.Context, count, workers int, work func(i int)) (started int) {
	free := make(chan struct{}, max(workers, 1)) // a token per running call
	var wg sync.WaitGroup
	defer wg.Wait()
	for started < count && acquire(ctx, free) {
		i := started
		wg.Go(func() {
			defer func() { <-free }()
			work(i)
		})
		started++
	}
	return started
}

// acquire takes a worker's token, waiting for one to be free; it reports
// false, holding none, once ctx has ended.
func acquire(ctx context.Context, free chan struct{}) bool {
	select {
	case free <- struct{}{}:
		// select picks at random when ctx ended too: ctx decides.
		if ctx.Err() == nil {
			return true
		}
		<-free
		return false
	case <-ctx.Done():
		return false
	}
}

// ids returns the ids of records, in order; nil for none.
func ids[R any](records []R, id func(R) string) []string {
	if len(records) == 0 {
		return nil
	}
	out := make([]string, 0, len(records))
	for _, record := range records {
		out = append(out, id(record))
	}
	return out
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
