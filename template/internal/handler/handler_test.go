package handler_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/require"
)

// Helpers shared by the tests of every handler in this package.

// request builds an API Gateway REST proxy request for a resource template
// such as "/users/{userId}", filling the path in from pathParams.
func request(method, resource string, pathParams map[string]string, body string) events.APIGatewayProxyRequest {
	p := resource
	for k, v := range pathParams {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return events.APIGatewayProxyRequest{
		Resource:       resource,
		Path:           p,
		HTTPMethod:     method,
		Headers:        map[string]string{"Content-Type": "application/json"},
		PathParameters: pathParams,
		Body:           body,
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID: "test-request", Stage: "test", ResourcePath: resource, HTTPMethod: method,
		},
	}
}

// readEvents decodes every sample event in dir, keyed by file name.
func readEvents(t *testing.T, dir string) map[string]events.APIGatewayProxyRequest {
	t.Helper()
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, "*.json")
	require.NoError(t, err)
	require.NotEmpty(t, names, "no events in %s", dir)

	reqs := make(map[string]events.APIGatewayProxyRequest, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(t, err)
		var req events.APIGatewayProxyRequest
		require.NoError(t, json.Unmarshal(b, &req), path.Join(dir, name))
		reqs[name] = req
	}
	return reqs
}

// captureLogs sends the default logger's output, as JSON, to the returned
// buffer for the rest of the test. Tests using it must not run in parallel.
func captureLogs(t *testing.T) *bytes.Buffer {
	t.Helper()
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return &buf
}
