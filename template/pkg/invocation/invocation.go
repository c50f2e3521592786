// Package invocation adds what Lambda tells a handler about its invocation
// to the log lines that need it when something goes wrong: the function ARN
// it was invoked with, whose qualifier says which version or alias ran, and
// the time left before the deadline, which says whether a failure was a
// timeout coming. lambdacontext.NewLogger already adds the request id to
// every line logged with the context.
package invocation

import (
	"context"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
)

// NearShare is the share of an invocation's time that, once left or less,
// makes it "near the deadline": a fifth, so that the warning comes while the
// handler can still finish, and before Lambda's timeout error, which says
// nothing about where the time went.
const NearShare = 5 // 1/5

// Attrs returns the log attributes of the invocation in ctx: functionArn
// (the invoked ARN, with its alias or version) when Lambda invoked the
// function, and remainingMs when ctx has a deadline.
func Attrs(ctx context.Context) []any {
	var attrs []any
	if lc, ok := lambdacontext.FromContext(ctx); ok && lc.InvokedFunctionArn != "" {
		attrs = append(attrs, slog.String("functionArn", lc.InvokedFunctionArn))
	}
	if deadline, ok := ctx.Deadline(); ok {
		attrs = append(attrs, slog.Int64("remainingMs", time.Until(deadline).Milliseconds()))
	}
	return attrs
}

// Budget is the time an invocation had when its handler started.
type Budget struct {
	started  time.Time
	deadline time.Time
}

// Start records the time the invocation in ctx has left; call it when the
// handler starts.
func Start(ctx context.Context) Budget {
	deadline, _ := ctx.Deadline()
	return Budget{started: time.Now(), deadline: deadline}
}

// WarnIfNear logs a warning naming what ran when it left the invocation a
// fifth of its time or less (see NearShare), with its duration and Attrs, and
// reports whether it did. Without a deadline it does nothing.
func (b Budget) WarnIfNear(ctx context.Context, what string) bool {
	if b.deadline.IsZero() {
		return false
	}
	now := time.Now()
	if b.deadline.Sub(now) > b.deadline.Sub(b.started)/NearShare {
		return false
	}
	slog.WarnContext(ctx, "near the deadline: "+what+" left a fifth of the invocation's time or less",
		append([]any{"durationMs", now.Sub(b.started).Milliseconds()}, Attrs(ctx)...)...)
	return true
}
