package handler_test

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"log/slog"
	"maps"
	"net/http"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
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
func readEvents(tb testing.TB, dir string) map[string]events.APIGatewayProxyRequest {
	tb.Helper()
	fsys := os.DirFS(dir)
	names, err := fs.Glob(fsys, "*.json")
	require.NoError(tb, err)
	require.NotEmpty(tb, names, "no events in %s", dir)

	reqs := make(map[string]events.APIGatewayProxyRequest, len(names))
	for _, name := range names {
		b, err := fs.ReadFile(fsys, name)
		require.NoError(tb, err)
		var req events.APIGatewayProxyRequest
		require.NoError(tb, json.Unmarshal(b, &req), path.Join(dir, name))
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

// Credentials and personal data that requests carry and that must never
// reach the logs.
//
//nolint:gosec // G101: fake values for the log-leak checks, not credentials.
const (
	secretToken         = "eyJhbGciOiJIUzI1NiJ9.bG9nLWxlYWs.c2lnbmF0dXJl"
	secretAuthorization = "Bearer " + secretToken
	secretCookie        = "cookie-value-0f9e8d7c6b5a"
	secretQueryToken    = "query-token-7d2c4e9a1b38"
	secretBody          = "body-value-5e6f7a8b9c0d"
)

// withSecrets returns req with an Authorization header, a session cookie and
// an access token in the query string, in both the single- and the
// multi-value fields, as API Gateway sends them.
func withSecrets(req events.APIGatewayProxyRequest) events.APIGatewayProxyRequest {
	cookie := "session=" + secretCookie
	req.Headers = withEntry(withEntry(req.Headers, "Authorization", secretAuthorization), "Cookie", cookie)
	req.MultiValueHeaders = withEntry(withEntry(req.MultiValueHeaders,
		"Authorization", []string{secretAuthorization}), "Cookie", []string{cookie})
	req.QueryStringParameters = withEntry(req.QueryStringParameters, "access_token", secretQueryToken)
	req.MultiValueQueryStringParameters = withEntry(req.MultiValueQueryStringParameters,
		"access_token", []string{secretQueryToken})
	return req
}

// withEntry returns a copy of m with k set to v.
func withEntry[V any](m map[string]V, k string, v V) map[string]V {
	m = maps.Clone(m)
	if m == nil {
		m = make(map[string]V, 1)
	}
	m[k] = v
	return m
}

// assertLogsClean asserts that logs hold the access log line of a request,
// so that something was logged at all, and none of the values of withSecrets,
// secretBody or bodies (the request bodies sent).
func assertLogsClean(t *testing.T, logs *bytes.Buffer, bodies ...string) {
	t.Helper()
	out := logs.String()
	assert.Contains(t, out, `"msg":"request"`, "every request is logged")
	for _, secret := range []string{secretToken, secretCookie, secretQueryToken, secretBody} {
		assert.NotContains(t, out, secret)
	}
	for _, body := range bodies {
		if len(body) < 8 { // a shorter body may occur in a log line by chance
			continue
		}
		// A JSON log line holds the body escaped.
		escaped, err := json.Marshal(body)
		require.NoError(t, err)
		assert.NotContains(t, out, body, "request bodies are never logged")
		assert.NotContains(t, out, string(escaped[1:len(escaped)-1]), "request bodies are never logged")
	}
}

// checkResponse asserts what holds for every response, whatever the request:
// the Lambda error is nil (API Gateway would answer 502), the status is one
// of allowed, an error response is a JSON object with an "error" message,
// and a 5xx response is one of the fixed bodies, so that no internal detail
// reaches the client.
func checkResponse(t *testing.T, resp events.APIGatewayProxyResponse, err error, allowed ...int) {
	t.Helper()
	require.NoError(t, err, "API Gateway turns a function error into a 502")
	require.Contains(t, allowed, resp.StatusCode, "unexpected status; body: %s", resp.Body)
	switch {
	case resp.StatusCode == http.StatusNoContent:
		require.Empty(t, resp.Body)
		return
	case resp.StatusCode < http.StatusMultipleChoices:
		require.True(t, json.Valid([]byte(resp.Body)), "body is not JSON: %q", resp.Body)
	default:
		var body map[string]any
		require.NoError(t, json.Unmarshal([]byte(resp.Body), &body), "error body is not a JSON object: %q", resp.Body)
		msg, _ := body["error"].(string)
		require.NotEmpty(t, msg, "error body without an error message: %q", resp.Body)
	}
	require.Equal(t, "application/json", resp.Headers["Content-Type"])
	switch resp.StatusCode {
	case http.StatusInternalServerError:
		require.JSONEq(t, `{"error":"internal server error"}`, resp.Body)
	case http.StatusServiceUnavailable:
		require.JSONEq(t, `{"error":"service unavailable"}`, resp.Body)
	}
}
