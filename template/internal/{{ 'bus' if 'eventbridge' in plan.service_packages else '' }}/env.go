package bus

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/eventbridge"
)

// EnvName is the environment variable that holds the event bus name; the infrastructure sets it.
const EnvName = "EVENT_BUS_NAME"

// NewFromConfig returns the event bus named by EVENT_BUS_NAME with an EventBridge client for cfg.
// Lambda mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Bus, error) {
	name := os.Getenv(EnvName)
	if name == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	return New(eventbridge.NewFromConfig(cfg), name), nil
}
