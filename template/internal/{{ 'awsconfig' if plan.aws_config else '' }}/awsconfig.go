// Package awsconfig builds the aws.Config that a function's AWS clients share.
//
// In Lambda, everything the SDK needs is in the environment: the region and the execution role's
// credentials. config.LoadDefaultConfig finds them there too, but a binary that links it also
// links and initializes the providers for shared config files, SSO, STS web identity, IMDS and
// credential processes, none of which a Lambda function uses: about 2 MB of bootstrap and the
// package initialization of four more service clients in every cold start. Load reads the
// Lambda environment itself and keeps config.LoadDefaultConfig for everywhere else, such as a
// local run with AWS_PROFILE against a real account.
//
// The bootstraps make build deploys are built with the tag awsconfig.lambdaonly, which leaves
// config.LoadDefaultConfig out of them: there, Load works only in Lambda's environment and
// otherwise says so. Local builds (make local-build, go test) keep it.
package awsconfig

import (
	"context"
	"os"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Load returns the configuration for the environment the function runs in: FromLambda's when
// the environment is Lambda's, config.LoadDefaultConfig's otherwise (see loadDefault).
func Load(ctx context.Context) (aws.Config, error) {
	if cfg, ok, err := FromLambda(os.Getenv); ok || err != nil {
		return cfg, err
	}
	return loadDefault(ctx)
}
