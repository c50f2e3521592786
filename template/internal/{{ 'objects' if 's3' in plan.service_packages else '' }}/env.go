package objects

import (
	"errors"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// EnvName is the environment variable that names the bucket; the infrastructure sets it.
const EnvName = "BUCKET_NAME"

// NewFromConfig returns the store for the bucket named by BUCKET_NAME with an S3 client for cfg.
// Lambda mains call it once, during init.
func NewFromConfig(cfg aws.Config) (*Store, error) {
	bucket := os.Getenv(EnvName)
	if bucket == "" {
		return nil, errors.New("environment variable " + EnvName + " is required: the stack sets it on deployed functions; for a local run, use make invoke or make dev with AWS=local")
	}
	client := NewClient(cfg)
	return New(client, s3.NewPresignClient(client), bucket), nil
}
