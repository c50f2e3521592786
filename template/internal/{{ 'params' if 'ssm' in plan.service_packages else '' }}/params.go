// Package params reads AWS Systems Manager Parameter Store parameters,
// decrypting SecureString ones, through a small in-memory cache with a TTL, so
// a warm Lambda function does not call SSM on every invocation.
//
// Parameter values never appear in errors. A missing parameter is reported as
// [ErrNotFound] and throttling as [ErrThrottled]; test them with errors.Is.
// The underlying SDK error stays in the chain for errors.As.
package params

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
	"github.com/aws/aws-sdk-go-v2/service/ssm/types"
)

// DefaultTTL is how long a value is served from the cache before it is read
// again, unless [WithTTL] says otherwise.
const DefaultTTL = 5 * time.Minute

// Sentinel errors. Errors returned by [Store] wrap at most one of them
// together with the SDK error that caused it.
var (
	// ErrNotFound means the parameter (or the requested version or label of
	// it) does not exist.
	ErrNotFound = errors.New("params: parameter not found")
	// ErrThrottled means SSM throttled the request, after the SDK's own
	// retries.
	ErrThrottled = errors.New("params: request throttled")
)

// API is the subset of the SSM client used by [Store].
// *ssm.Client satisfies it.
type API interface {
	GetParameter(ctx context.Context, params *ssm.GetParameterInput, optFns ...func(*ssm.Options)) (*ssm.GetParameterOutput, error)
}

var _ API = (*ssm.Client)(nil)

// Option configures a [Store].
type Option func(*Store)

// WithTTL sets how long a value is served from the cache before it is read
// again. Zero or less turns caching off.
func WithTTL(ttl time.Duration) Option {
	return func(s *Store) { s.ttl = ttl }
}

// Store reads parameters through a cache. It is safe for concurrent use; one
// Store per process (created at cold start) is the intended use. Concurrent
// misses for the same name may each call SSM; the last answer is cached.
// Failures are not cached.
type Store struct {
	api API
	ttl time.Duration
	now func() time.Time

	mu    sync.Mutex
	cache map[string]entry
}

type entry struct {
	value   string
	expires time.Time
}

// New returns a Store that reads parameters with api (normally an
// *ssm.Client).
func New(api API, opts ...Option) *Store {
	s := &Store{api: api, ttl: DefaultTTL, now: time.Now, cache: map[string]entry{}}
	for _, opt := range opts {
		opt(s)
	}
	return s
}

// Get returns the value of the parameter with the given name (or ARN, and
// optionally a ":version" or ":label" selector), decrypted if it is a
// SecureString. A StringList is returned as its comma-separated string.
func (s *Store) Get(ctx context.Context, name string) (string, error) {
	if name == "" {
		return "", errors.New("params: empty parameter name")
	}
	if v, ok := s.cached(name); ok {
		return v, nil
	}
	out, err := s.api.GetParameter(ctx, &ssm.GetParameterInput{
		Name:           aws.String(name),
		WithDecryption: aws.Bool(true),
	})
	if err != nil {
		return "", mapError(name, err)
	}
	if out.Parameter == nil || out.Parameter.Value == nil {
		return "", fmt.Errorf("params: parameter %q: response has no value", name)
	}
	v := *out.Parameter.Value
	if s.ttl > 0 {
		s.mu.Lock()
		s.cache[name] = entry{value: v, expires: s.now().Add(s.ttl)}
		s.mu.Unlock()
	}
	return v, nil
}

func (s *Store) cached(name string) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e, ok := s.cache[name]
	if !ok {
		return "", false
	}
	if !s.now().Before(e.expires) {
		delete(s.cache, name)
		return "", false
	}
	return e.value, true
}

func mapError(name string, err error) error {
	var (
		notFound        *types.ParameterNotFound
		versionNotFound *types.ParameterVersionNotFound
		throttled       *types.ThrottlingException
	)
	switch {
	case errors.As(err, &notFound), errors.As(err, &versionNotFound):
		return fmt.Errorf("params: parameter %q: %w: %w", name, ErrNotFound, err)
	case errors.As(err, &throttled):
		return fmt.Errorf("params: parameter %q: %w: %w", name, ErrThrottled, err)
	}
	return fmt.Errorf("params: parameter %q: %w", name, err)
}
