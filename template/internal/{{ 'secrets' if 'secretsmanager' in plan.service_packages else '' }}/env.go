package secrets

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/secretsmanager"
)

// EnvName is the environment variable that holds the secret's ARN or name (never its value);
// the infrastructure sets it.
const EnvName = "SECRET_ID"

// Secret is one secret read through a Store's cache.
type Secret struct {
	store *Store
	id    string
}

// NewFromConfig returns the secret named by SECRET_ID, read through a cache, with a Secrets
// Manager client for cfg. Lambda mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Secret, error) {
	id := os.Getenv(EnvName)
	if id == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	store, err := New(secretsmanager.NewFromConfig(cfg))
	if err != nil {
		return nil, err
	}
	return &Secret{store: store, id: id}, nil
}

// String returns the secret's string value (cached).
func (s *Secret) String(ctx context.Context) (string, error) { return s.store.String(ctx, s.id) }

// JSON decodes the secret's JSON value into out (cached).
func (s *Secret) JSON(ctx context.Context, out any) error { return s.store.JSON(ctx, s.id, out) }
