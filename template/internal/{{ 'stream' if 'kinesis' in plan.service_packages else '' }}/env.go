package stream

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kinesis"
)

// EnvName is the environment variable that holds the stream ARN; the infrastructure sets it.
const EnvName = "STREAM_ARN"

// NewFromConfig returns the stream at STREAM_ARN with a Kinesis client for cfg. Lambda mains call
// it once, during init.
func NewFromConfig(cfg aws.Config) (*Stream, error) {
	arn := os.Getenv(EnvName)
	if arn == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(kinesis.NewFromConfig(cfg), arn), nil
}
