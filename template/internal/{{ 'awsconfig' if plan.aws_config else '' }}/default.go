//go:build !awsconfig.lambdaonly

package awsconfig

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// loadDefault is the SDK's default chain: environment, shared config files and profiles, SSO,
// web identity, container and instance credentials.
func loadDefault(ctx context.Context) (aws.Config, error) {
	return config.LoadDefaultConfig(ctx)
}
