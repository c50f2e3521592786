package table

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// EnvName is the environment variable that names the table; the infrastructure sets it.
const EnvName = "TABLE_NAME"

// NewFromConfig returns the table named by TABLE_NAME with a DynamoDB client for cfg. Lambda
// mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Table, error) {
	name := os.Getenv(EnvName)
	if name == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(dynamodb.NewFromConfig(cfg), name), nil
}
