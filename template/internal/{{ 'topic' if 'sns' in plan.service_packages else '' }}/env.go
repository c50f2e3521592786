package topic

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
)

// EnvName is the environment variable that holds the topic ARN; the infrastructure sets it.
const EnvName = "TOPIC_ARN"

// NewFromConfig returns the topic at TOPIC_ARN with an SNS client for cfg. Lambda mains call it
// once, during init.
func NewFromConfig(cfg aws.Config) (*Topic, error) {
	arn := os.Getenv(EnvName)
	if arn == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(sns.NewFromConfig(cfg), arn), nil
}
