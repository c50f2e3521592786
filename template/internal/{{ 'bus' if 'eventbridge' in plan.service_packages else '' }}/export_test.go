package bus

import (
	"context"
	"time"
)

// SetSleep replaces how b waits before sending rejected events again, for
// tests: sleep gets the delay and returns whether to send them. Call it
// before b is used.
func SetSleep(b *Bus, sleep func(ctx context.Context, d time.Duration) bool) { b.sleep = sleep }

// Wait is how a Bus waits by default.
var Wait = wait
