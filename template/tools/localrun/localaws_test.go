package main

import (
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// startFakeLocalAWS runs this test binary as a -local-aws command in mode (see fakeLocalAWS).
func startFakeLocalAWS(t *testing.T, mode string, wait time.Duration) (*localAWS, *syncBuffer, error) {
	t.Helper()
	t.Setenv("LOCALRUN_TEST_LOCALAWS", mode)
	t.Setenv("GORACE", "atexit_sleep_ms=0")
	var stderr syncBuffer
	aws, err := startLocalAWS(t.Context(), testBinary(t)+" -test.run=none", os.Environ(), &stderr, wait)
	if aws != nil {
		t.Cleanup(aws.stop)
	}
	return aws, &stderr, err
}

func TestLocalAWSGivesEachFunctionTheStacksEnvironment(t *testing.T) {
	t.Setenv("AWS_PROFILE", "prod")
	t.Setenv("AWS_SESSION_TOKEN", "secret")
	t.Setenv("AWS_REGION", "us-west-2")
	aws, stderr, err := startFakeLocalAWS(t, "serve", 10*time.Second)
	require.NoError(t, err)
	api := function{name: "api", memory: 1024, timeout: 30, cdkID: "ApiFunction"}

	cfg, err := configure(api, testBinary(t), options{}, aws)
	require.NoError(t, err)

	assert.Equal(t, 512, cfg.memory, "the local AWS settings win over the table")
	assert.Equal(t, 7*time.Second, cfg.timeout)
	assert.Equal(t, "eu-west-1", cfg.region)
	env := lambdaEnv(cfg)
	for key, want := range map[string]string{
		"AWS_ENDPOINT_URL":                "http://127.0.0.1:4566",
		"AWS_ACCESS_KEY_ID":               "testing",
		"AWS_SECRET_ACCESS_KEY":           "testing",
		"AWS_REGION":                      "eu-west-1",
		"AWS_DEFAULT_REGION":              "eu-west-1",
		"TABLE_NAME":                      "my-service-table",
		"LOG_LEVEL":                       "DEBUG",
		"AWS_PROFILE":                     "",
		"AWS_SESSION_TOKEN":               "",
		"AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
	} {
		assert.Equal(t, want, lookupEnv(env, key), key)
	}
	assert.Equal(t, "local AWS: the functions call http://127.0.0.1:4566 (eu-west-1)", aws.describe())

	cfg, err = configure(api, testBinary(t), options{timeout: 900}, aws)
	require.NoError(t, err)
	assert.Equal(t, 900*time.Second, cfg.timeout, "-timeout wins over everything")

	_, err = configure(function{name: "worker", cdkID: "WorkerFunction"}, testBinary(t), options{}, aws)
	require.ErrorContains(t, err, `printed no settings for function worker (CDK construct id "WorkerFunction"); it has: ApiFunction`)

	started := time.Now()
	aws.stop()
	assert.Less(t, time.Since(started), 2*time.Second, "it exits when its stdin closes")
	assert.Contains(t, stderr.String(), "> local-aws\n", "stdout lines before the settings go to stderr")
	assert.Contains(t, stderr.String(), "local AWS ready\n", "its stderr goes through")
}

func TestLocalAWSMayExitOnceItHasPrinted(t *testing.T) {
	aws, _, err := startFakeLocalAWS(t, "reuse", 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, "http://127.0.0.1:4566", aws.settings.Endpoint)
}

func TestLocalAWSFailuresQuoteTheCommand(t *testing.T) {
	_, _, err := startFakeLocalAWS(t, "fail", 10*time.Second)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "failed (exit status 3)")
	assert.Contains(t, err.Error(), "port 4566 is in use", "the end of its stderr")

	started := time.Now()
	_, _, err = startFakeLocalAWS(t, "silent", 300*time.Millisecond)
	require.ErrorContains(t, err, "printed no settings (one JSON line on stdout) within 300ms")
	assert.Less(t, time.Since(started), 3*time.Second, "and is stopped")
}
