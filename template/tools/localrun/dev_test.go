package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// gatewayFor returns a gateway whose function answers with respond and records the event it got.
func gatewayFor(respond func(events.APIGatewayProxyRequest) (any, error)) (*gateway, *events.APIGatewayProxyRequest) {
	var got events.APIGatewayProxyRequest
	g := &gateway{
		fn: function{name: "api", kind: "apigw-rest", routes: []route{
			{method: "GET", path: "/users/{userId}"},
			{method: "POST", path: "/users"},
		}},
		invoke: func(_ context.Context, event []byte) ([]byte, error) {
			if err := json.Unmarshal(event, &got); err != nil {
				return nil, err
			}
			out, err := respond(got)
			if err != nil {
				return nil, err
			}
			return json.Marshal(out)
		},
	}
	return g, &got
}

func TestGatewayTranslatesRequestAndResponse(t *testing.T) {
	g, got := gatewayFor(func(events.APIGatewayProxyRequest) (any, error) {
		return events.APIGatewayProxyResponse{
			StatusCode: http.StatusCreated,
			Headers:    map[string]string{"Content-Type": "application/json", "Location": "/users/1"},
			Body:       `{"id":"1"}`,
		}, nil
	})
	req := httptest.NewRequest(http.MethodPost, "/users?dryRun=true", strings.NewReader(`{"name":"Ada"}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, req)

	assert.Equal(t, http.StatusCreated, rec.Code)
	assert.Equal(t, "/users/1", rec.Header().Get("Location"))
	assert.JSONEq(t, `{"id":"1"}`, rec.Body.String())
	assert.Equal(t, "/users", got.Resource)
	assert.Equal(t, "/users", got.RequestContext.ResourcePath)
	assert.Equal(t, http.MethodPost, got.HTTPMethod)
	assert.Equal(t, `{"name":"Ada"}`, got.Body) //nolint:testifylint // encoded-compare: byte for byte, not just equal JSON.
	assert.False(t, got.IsBase64Encoded)
	assert.Equal(t, "true", got.QueryStringParameters["dryRun"])
	assert.Equal(t, "application/json", got.Headers["Content-Type"])
	assert.NotEmpty(t, got.RequestContext.RequestID)
}

func TestGatewayPassesPathParametersAndBinaryBodies(t *testing.T) {
	g, got := gatewayFor(func(events.APIGatewayProxyRequest) (any, error) {
		return events.APIGatewayProxyResponse{
			StatusCode:      http.StatusOK,
			Body:            base64.StdEncoding.EncodeToString([]byte{0xff, 0x00}),
			IsBase64Encoded: true,
		}, nil
	})
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/users/42", strings.NewReader("\xff\xfe")))

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, []byte{0xff, 0x00}, rec.Body.Bytes())
	assert.Equal(t, map[string]string{"userId": "42"}, got.PathParameters)
	assert.True(t, got.IsBase64Encoded)
	decoded, err := base64.StdEncoding.DecodeString(got.Body)
	require.NoError(t, err)
	assert.Equal(t, []byte("\xff\xfe"), decoded)
}

func TestGatewayAnswersLikeAPIGatewayWhenTheFunctionCannot(t *testing.T) {
	tests := []struct {
		name, method, path string
		respond            func(events.APIGatewayProxyRequest) (any, error)
		status             int
	}{
		{"unknown path", http.MethodGet, "/nowhere", nil, http.StatusNotFound},
		{"wrong method", http.MethodDelete, "/users", nil, http.StatusMethodNotAllowed},
		{"emulator failure", http.MethodGet, "/users/1", func(events.APIGatewayProxyRequest) (any, error) {
			return nil, errors.New("emulator down")
		}, http.StatusBadGateway},
		{"not a proxy response", http.MethodGet, "/users/1", func(events.APIGatewayProxyRequest) (any, error) {
			return "hello", nil
		}, http.StatusBadGateway},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, _ := gatewayFor(tt.respond)
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, httptest.NewRequest(tt.method, tt.path, nil))
			assert.Equal(t, tt.status, rec.Code)
			var body map[string]string
			require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &body))
			assert.NotEmpty(t, body["message"])
		})
	}
}
