// Package apperr holds the errors that every layer uses to say what went
// wrong, independently of transport (HTTP) and storage (DynamoDB): a few
// sentinels and ValidationError. Lower layers wrap them with %w and context;
// pkg/middleware maps them to HTTP status codes with errors.Is and errors.As.
//
// It imports nothing from this module, so that both internal/ packages and
// pkg/middleware can depend on it.
package apperr

import "errors"

// Sentinel errors. Lower layers wrap them with %w and context; the HTTP layer
// maps them to status codes with errors.Is.
var (
	// ErrNotFound reports that the requested resource does not exist.
	ErrNotFound = errors.New("not found")
	// ErrConflict reports that a write clashed with existing state, such as a
	// duplicate unique value or a concurrent modification.
	ErrConflict = errors.New("conflict")
	// ErrThrottled reports that an AWS service throttled the request (or a
	// DynamoDB transaction was canceled for throughput) after the SDK's own
	// retries: a temporary condition, so the client may retry later.
	// pkg/middleware answers it with 503 Service Unavailable and a Retry-After
	// header. The service packages under internal/ report throttling with
	// sentinels of their own that wrap it, such as table.ErrThrottled, so
	// errors.Is matches either.
	ErrThrottled = errors.New("throttled")
	// ErrValidation matches every *ValidationError via errors.Is.
	ErrValidation = errors.New("validation failed")
)

// ValidationError reports invalid client input. Field names the offending
// input (a JSON field or query parameter) when it is known; Message is a
// complete sentence that is safe to return to the client.
type ValidationError struct {
	Field   string
	Message string
}

// Error implements error.
func (e *ValidationError) Error() string {
	return e.Message
}

// Is makes errors.Is(err, ErrValidation) true for any *ValidationError.
func (e *ValidationError) Is(target error) bool {
	return target == ErrValidation
}
