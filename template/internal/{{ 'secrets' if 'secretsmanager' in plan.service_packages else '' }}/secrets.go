// Package secrets reads AWS Secrets Manager secrets through an in-memory
// cache (aws-secretsmanager-caching-go), so a warm Lambda function does not
// call Secrets Manager on every invocation.
//
// A cached secret is checked again (with DescribeSecret) once its TTL has
// passed, and its value fetched again (with GetSecretValue) only if the
// AWSCURRENT version changed, so rotations are picked up within one TTL. If
// that check fails, the last known value is served.
//
// Secret values never appear in errors and are never logged. Failures that
// callers usually branch on are reported as the sentinel errors
// [ErrNotFound], [ErrNotString], [ErrInvalidJSON] and [ErrThrottled]; test
// them with errors.Is.
package secrets

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager/types"
	"github.com/aws/aws-secretsmanager-caching-go/v2/secretcache"
	"github.com/aws/smithy-go"
)

// DefaultTTL is how long a secret is served from the cache before it is
// checked again, unless [WithTTL] says otherwise.
const DefaultTTL = 5 * time.Minute

// Sentinel errors. Errors returned by [Store] wrap at most one of them,
// together with the SDK error that caused it, if any.
var (
	// ErrNotFound means the secret does not exist or has no AWSCURRENT
	// version.
	ErrNotFound = errors.New("secrets: secret not found")
	// ErrNotString means the secret holds a binary value, not a string.
	ErrNotString = errors.New("secrets: secret is not a string")
	// ErrInvalidJSON means the secret's value does not decode into the
	// value passed to [Store.JSON].
	ErrInvalidJSON = errors.New("secrets: secret is not valid JSON for the target")
	// ErrThrottled means Secrets Manager throttled the request, after the
	// SDK's own retries.
	ErrThrottled = errors.New("secrets: request throttled")
)

// API is the subset of the Secrets Manager client used by [Store].
// *secretsmanager.Client satisfies it.
type API interface {
	DescribeSecret(ctx context.Context, params *secretsmanager.DescribeSecretInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.DescribeSecretOutput, error)
	GetSecretValue(ctx context.Context, params *secretsmanager.GetSecretValueInput, optFns ...func(*secretsmanager.Options)) (*secretsmanager.GetSecretValueOutput, error)
}

var _ API = (*secretsmanager.Client)(nil)

// Option configures a [Store].
type Option func(*options)

type options struct {
	ttl time.Duration
}

// WithTTL sets how long a secret is served from the cache before it is
// checked again; it must be positive. The cache library refreshes at a random
// point between ttl/2 and ttl, so that many instances do not refresh at once.
func WithTTL(ttl time.Duration) Option {
	return func(o *options) { o.ttl = ttl }
}

// Store reads secrets through a cache. It is safe for concurrent use; one
// Store per process (created at cold start) is the intended use.
type Store struct {
	cache *secretcache.Cache
}

// New returns a Store that reads secrets with api (normally a
// *secretsmanager.Client).
func New(api API, opts ...Option) (*Store, error) {
	if api == nil {
		return nil, errors.New("secrets: nil API")
	}
	o := options{ttl: DefaultTTL}
	for _, opt := range opts {
		opt(&o)
	}
	if o.ttl <= 0 {
		return nil, fmt.Errorf("secrets: TTL must be positive, got %v", o.ttl)
	}
	cache, err := secretcache.New(func(c *secretcache.Cache) {
		c.Client = cacheClient{api}
		c.CacheItemTTL = o.ttl.Nanoseconds()
	})
	if err != nil {
		return nil, fmt.Errorf("secrets: create cache: %w", err)
	}
	return &Store{cache: cache}, nil
}

// String returns the string value of the AWSCURRENT version of the secret
// with the given name or ARN.
func (s *Store) String(ctx context.Context, secretID string) (string, error) {
	if secretID == "" {
		return "", errors.New("secrets: empty secret ID")
	}
	v, err := s.cache.GetSecretStringWithContext(ctx, secretID)
	if err != nil {
		return "", mapError(secretID, err)
	}
	return v, nil
}

// JSON decodes the string value of the secret with the given name or ARN,
// which must be JSON (as the key/value secrets of the console are), into out,
// a non-nil pointer. A decoding failure is reported as [ErrInvalidJSON]
// without any part of the value.
func (s *Store) JSON(ctx context.Context, secretID string, out any) error {
	v, err := s.String(ctx, secretID)
	if err != nil {
		return err
	}
	if err := json.Unmarshal([]byte(v), out); err != nil {
		return fmt.Errorf("secrets: secret %q: %s: %w", secretID, describeJSONError(err), ErrInvalidJSON)
	}
	return nil
}

// describeJSONError describes a decoding failure without quoting the input:
// encoding/json error messages can contain parts of it (a bad character, a
// number), which would leak the secret into logs.
func describeJSONError(err error) string {
	var (
		syntaxErr *json.SyntaxError
		typeErr   *json.UnmarshalTypeError
		targetErr *json.InvalidUnmarshalError
	)
	switch {
	case errors.As(err, &syntaxErr):
		return fmt.Sprintf("syntax error at offset %d", syntaxErr.Offset)
	case errors.As(err, &typeErr):
		return fmt.Sprintf("value of field %q does not fit Go type %v", typeErr.Field, typeErr.Type)
	case errors.As(err, &targetErr):
		return targetErr.Error() // about the Go target only
	}
	return "cannot decode"
}

func mapError(secretID string, err error) error {
	var (
		notFound     *types.ResourceNotFoundException
		noVersion    *secretcache.VersionNotFoundError
		notString    *secretcache.InvalidOperationError
		apiErr       smithy.APIError
		wrapSentinel error
	)
	switch {
	case errors.As(err, &notFound), errors.As(err, &noVersion):
		wrapSentinel = ErrNotFound
	case errors.As(err, &notString):
		wrapSentinel = ErrNotString
	case errors.As(err, &apiErr) && apiErr.ErrorCode() == "ThrottlingException":
		wrapSentinel = ErrThrottled
	default:
		return fmt.Errorf("secrets: secret %q: %w", secretID, err)
	}
	return fmt.Errorf("secrets: secret %q: %w: %w", secretID, wrapSentinel, err)
}

// cacheClient adapts API to secretcache.SecretsManagerAPIClient, which lists
// operations the cache never calls.
type cacheClient struct{ API }

var errNotUsed = errors.New("secrets: operation not used by this package")

func (cacheClient) CreateSecret(context.Context, *secretsmanager.CreateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.CreateSecretOutput, error) {
	return nil, errNotUsed
}

func (cacheClient) DeleteSecret(context.Context, *secretsmanager.DeleteSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.DeleteSecretOutput, error) {
	return nil, errNotUsed
}

func (cacheClient) ListSecrets(context.Context, *secretsmanager.ListSecretsInput, ...func(*secretsmanager.Options)) (*secretsmanager.ListSecretsOutput, error) {
	return nil, errNotUsed
}

func (cacheClient) UpdateSecret(context.Context, *secretsmanager.UpdateSecretInput, ...func(*secretsmanager.Options)) (*secretsmanager.UpdateSecretOutput, error) {
	return nil, errNotUsed
}
