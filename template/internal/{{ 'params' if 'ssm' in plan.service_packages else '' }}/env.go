package params

import (
	"context"
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ssm"
)

// EnvName is the environment variable that names the parameter; the infrastructure sets it.
const EnvName = "PARAMETER_NAME"

// Parameter is one SSM parameter read through a Store's cache.
type Parameter struct {
	store *Store
	name  string
}

// NewFromConfig returns the parameter named by PARAMETER_NAME, read through a cache, with an SSM
// client for cfg. Lambda mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Parameter, error) {
	name := os.Getenv(EnvName)
	if name == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return &Parameter{store: New(ssm.NewFromConfig(cfg)), name: name}, nil
}

// Value returns the parameter's value, decrypted (cached).
func (p *Parameter) Value(ctx context.Context) (string, error) { return p.store.Get(ctx, p.name) }
