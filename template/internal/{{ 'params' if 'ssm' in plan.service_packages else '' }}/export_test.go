package params

import "time"

// SetClock replaces the Store's clock, for tests of the cache expiry. Call it
// before the Store is used.
func SetClock(s *Store, now func() time.Time) { s.now = now }
