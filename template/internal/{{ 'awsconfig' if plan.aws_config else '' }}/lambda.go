package awsconfig

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/smithy-go/logging"
)

// Getenv reads one environment variable, as os.Getenv does: empty when it is not set.
type Getenv func(key string) string

// lambdaSet are the variables Lambda sets on every function, and so the ones FromLambda needs:
// the function's name, its region and its execution role's temporary credentials.
var lambdaSet = []string{"AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"}

// loadDefaultOnly are settings that only config.LoadDefaultConfig understands. When one is set,
// the caller asked for something FromLambda does not do, so it leaves the configuration to
// LoadDefaultConfig rather than ignore the setting. As for LoadDefaultConfig, empty is unset.
var loadDefaultOnly = []string{
	"AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE",
	"AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE",
	"AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
	"AWS_CA_BUNDLE", "AWS_DEFAULTS_MODE", "AWS_USE_FIPS_ENDPOINT", "AWS_USE_DUALSTACK_ENDPOINT",
	"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "AWS_SDK_UA_APP_ID", "AWS_ACCOUNT_ID_ENDPOINT_MODE",
	"AWS_REQUEST_CHECKSUM_CALCULATION", "AWS_RESPONSE_CHECKSUM_VALIDATION", "AWS_AUTH_SCHEME_PREFERENCE",
	"AWS_DISABLE_REQUEST_COMPRESSION", "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
	"AWS_DISABLE_CLOCK_SKEW_CORRECTION", "AWS_ENABLE_ENDPOINT_DISCOVERY",
	"AWS_S3_USE_ARN_REGION", "AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS", "AWS_S3_DISABLE_EXPRESS_SESSION_AUTH",
}

// FromLambda builds the configuration from the variables Lambda sets, as
// config.LoadDefaultConfig would from the same environment: the region, the static credentials
// (cached, as LoadDefaultConfig caches them), AWS_MAX_ATTEMPTS and AWS_RETRY_MODE for the
// retryer, AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> for the endpoints (how local runs
// reach a local AWS), and the SDK's logger on stderr. ok is false, and the configuration is left
// to LoadDefaultConfig, outside Lambda or when a setting of loadDefaultOnly is present; err
// reports a retry setting that is not valid.
func FromLambda(get Getenv) (cfg aws.Config, ok bool, err error) {
	for _, key := range lambdaSet {
		if get(key) == "" {
			return aws.Config{}, false, nil
		}
	}
	for _, key := range loadDefaultOnly {
		if get(key) != "" {
			return aws.Config{}, false, nil
		}
	}
	cfg = aws.Config{
		Region: get("AWS_REGION"),
		Credentials: aws.NewCredentialsCache(credentials.StaticCredentialsProvider{Value: aws.Credentials{
			AccessKeyID:     get("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: get("AWS_SECRET_ACCESS_KEY"),
			SessionToken:    get("AWS_SESSION_TOKEN"),
			AccountID:       get("AWS_ACCOUNT_ID"),
			Source:          "EnvConfigCredentials",
		}}),
		Logger:        logging.NewStandardLogger(os.Stderr),
		ConfigSources: []any{serviceEndpoints{get: get}},
	}
	if endpoint := get("AWS_ENDPOINT_URL"); endpoint != "" {
		cfg.BaseEndpoint = aws.String(endpoint)
	}
	if value := get("AWS_MAX_ATTEMPTS"); value != "" {
		if cfg.RetryMaxAttempts, err = strconv.Atoi(value); err != nil {
			return aws.Config{}, false, fmt.Errorf("AWS_MAX_ATTEMPTS must be a whole number, not %q", value)
		}
	}
	if value := get("AWS_RETRY_MODE"); value != "" {
		if cfg.RetryMode, err = aws.ParseRetryMode(value); err != nil {
			return aws.Config{}, false, fmt.Errorf("AWS_RETRY_MODE: %w", err)
		}
	}
	return cfg, true, nil
}

// serviceEndpoints gives each client its AWS_ENDPOINT_URL_<SERVICE> (the service's SDK id,
// upper-cased, spaces as underscores, e.g. AWS_ENDPOINT_URL_SECRETS_MANAGER): clients look for
// this method among the configuration's sources, as they do on LoadDefaultConfig's.
type serviceEndpoints struct{ get Getenv }

func (s serviceEndpoints) GetServiceBaseEndpoint(_ context.Context, sdkID string) (string, bool, error) {
	key := "AWS_ENDPOINT_URL_" + strings.ReplaceAll(strings.ToUpper(sdkID), " ", "_")
	value := s.get(key)
	return value, value != "", nil
}
