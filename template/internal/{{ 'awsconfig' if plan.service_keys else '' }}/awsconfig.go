// Package awsconfig builds the aws.Config that a function's AWS clients share.
//
// In Lambda, everything the SDK needs is in the environment: the region and the execution role's
// credentials. config.LoadDefaultConfig finds them there too, but a binary that links it also
// links and initialises the providers for shared config files, SSO, STS web identity, IMDS and
// credential processes, none of which a Lambda function uses: about 2 MB of bootstrap and the
// package initialisation of four more service clients in every cold start. Load reads the
// Lambda environment itself and keeps config.LoadDefaultConfig for everywhere else, such as a
// local run with AWS_PROFILE against a real account.
package awsconfig

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Load returns the configuration for the environment the function runs in: FromLambda's when
// the environment is Lambda's, config.LoadDefaultConfig's otherwise.
func Load(ctx context.Context) (aws.Config, error) {
	if cfg, ok, err := FromLambda(os.Getenv); ok || err != nil {
		return cfg, err
	}
	return config.LoadDefaultConfig(ctx)
}
