//go:build awsconfig.lambdaonly

package awsconfig

import (
	"context"
	"errors"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ErrNotLambda is Load's error outside Lambda's environment in a build without the SDK's
// default chain.
var ErrNotLambda = errors.New("no AWS configuration: this bootstrap was built with -tags awsconfig.lambdaonly " +
	"(make build does so), which reads only the variables Lambda sets (AWS_LAMBDA_FUNCTION_NAME, AWS_REGION, " +
	"AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY) and none of the settings only config.LoadDefaultConfig reads " +
	"(AWS_PROFILE, AWS_CA_BUNDLE, AWS_USE_FIPS_ENDPOINT, ...); build without the tag (make build DEPLOY_TAGS=lambda.norpc) to use them")

func loadDefault(context.Context) (aws.Config, error) {
	return aws.Config{}, ErrNotLambda
}
