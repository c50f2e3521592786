package queue

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// EnvName is the environment variable that holds the queue URL; the infrastructure sets it.
const EnvName = "QUEUE_URL"

// NewFromConfig returns the queue at QUEUE_URL with an SQS client for cfg. Lambda mains call it
// once, during init.
func NewFromConfig(cfg aws.Config) (*Queue, error) {
	url := os.Getenv(EnvName)
	if url == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(sqs.NewFromConfig(cfg), url), nil
}
