package outbound

import (
	"errors"
	"os"
)

// EnvName is the environment variable that holds the API's base URL; the
// infrastructure sets it.
const EnvName = "OUTBOUND_BASE_URL"

// NewFromEnv returns a Client for the API at OUTBOUND_BASE_URL with the
// default options. Lambda mains call it once, during init.
func NewFromEnv() (*Client, error) {
	baseURL := os.Getenv(EnvName)
	if baseURL == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, set it to the API's URL")
	}
	return New(baseURL, Options{})
}
