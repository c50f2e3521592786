package idempotency

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// EnvName is the environment variable that names the idempotency table; the
// infrastructure sets it on the functions that use it.
const EnvName = "IDEMPOTENCY_TABLE_NAME"

// NewFromConfig returns the Store over the table named by
// IDEMPOTENCY_TABLE_NAME, scoped to the function (AWS_LAMBDA_FUNCTION_NAME),
// with a DynamoDB client for cfg. Lambda mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Store, error) {
	name := os.Getenv(EnvName)
	if name == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(dynamodb.NewFromConfig(cfg), name, os.Getenv("AWS_LAMBDA_FUNCTION_NAME")), nil
}
