package stream

import (
	"context"
	"time"
)

// SetSleep replaces how s waits before sending rejected records again, for
// tests: sleep gets the delay and returns whether to send them. Call it
// before s is used.
func SetSleep(s *Stream, sleep func(ctx context.Context, d time.Duration) bool) { s.sleep = sleep }

// Wait is how a Stream waits by default.
var Wait = wait
