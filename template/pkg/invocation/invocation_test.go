package invocation

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const arn = "arn:aws:lambda:eu-west-1:123456789012:function:my-service-api:live"

// logged sends the default logger's lines to a buffer for the rest of the test.
func logged(t *testing.T) *bytes.Buffer {
	t.Helper()
	var out bytes.Buffer
	previous := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&out, nil)))
	t.Cleanup(func() { slog.SetDefault(previous) })
	return &out
}

func invocationContext(ctx context.Context, timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx = lambdacontext.NewContext(ctx, &lambdacontext.LambdaContext{AwsRequestID: "req-1", InvokedFunctionArn: arn})
	return context.WithTimeout(ctx, timeout)
}

func TestAttrs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := invocationContext(t.Context(), 3*time.Second)
		defer cancel()
		time.Sleep(time.Second)

		assert.Equal(t, []any{slog.String("functionArn", arn), slog.Int64("remainingMs", 2000)}, Attrs(ctx))
		assert.Empty(t, Attrs(t.Context()), "neither Lambda's context nor a deadline")
	})
}

func TestBudget_WarnIfNear(t *testing.T) {
	for name, tc := range map[string]struct {
		ran  time.Duration
		warn bool
	}{
		"most of the time left":    {ran: 7 * time.Second, warn: false},
		"a fifth of the time left": {ran: 8 * time.Second, warn: true},
		"past the deadline":        {ran: 11 * time.Second, warn: true},
	} {
		t.Run(name, func(t *testing.T) {
			out := logged(t)
			synctest.Test(t, func(t *testing.T) {
				ctx, cancel := invocationContext(t.Context(), 10*time.Second)
				defer cancel()
				budget := Start(ctx)
				time.Sleep(tc.ran)

				assert.Equal(t, tc.warn, budget.WarnIfNear(ctx, "the request"))
			})
			if !tc.warn {
				assert.Empty(t, out.String())
				return
			}
			var line map[string]any
			require.NoError(t, json.Unmarshal(out.Bytes(), &line), out.String())
			assert.Equal(t, "WARN", line["level"])
			assert.Equal(t, "near the deadline: the request left a fifth of the invocation's time or less", line["msg"])
			assert.Equal(t, arn, line["functionArn"])
			assert.InDelta(t, (10*time.Second - tc.ran).Milliseconds(), line["remainingMs"], 1)
			assert.InDelta(t, tc.ran.Milliseconds(), line["durationMs"], 1)
		})
	}
}

func TestBudget_noDeadlineNoWarning(t *testing.T) {
	out := logged(t)
	assert.False(t, Start(t.Context()).WarnIfNear(t.Context(), "the request"))
	assert.Empty(t, out.String())
}
