package main

import (
	"bytes"
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
		{"runner failure", http.MethodGet, "/users/1", func(events.APIGatewayProxyRequest) (any, error) {
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
			assert.NotEmpty(t, body["error"], "the handlers' error shape: {\"error\": ...}")
		})
	}
}

func TestGatewaySaysWhyAnInvocationFailed(t *testing.T) {
	g, _ := gatewayFor(func(events.APIGatewayProxyRequest) (any, error) {
		return nil, &invocationError{Type: "Sandbox.Timedout", Message: "Task timed out after 30.00 seconds"}
	})
	var log bytes.Buffer
	g.log = &log
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/users/1", nil))

	assert.Equal(t, http.StatusBadGateway, rec.Code)
	assert.JSONEq(t, `{"error":"Sandbox.Timedout: Task timed out after 30.00 seconds"}`, rec.Body.String())
	assert.Equal(t, "api: Sandbox.Timedout: Task timed out after 30.00 seconds (GET /users/1)\n", log.String())
}

// kindGateway returns a gateway for a function of kind serving /hello and /items/{id}, whose
// function answers with resp, and the event it got.
func kindGateway(kind string, resp any) (*gateway, *[]byte) {
	var got []byte
	g := &gateway{
		fn: function{name: "fn", kind: kind, routes: []route{
			{method: "GET", path: "/hello"},
			{method: "POST", path: "/hello"},
			{method: "GET", path: "/items/{id}"},
		}},
		invoke: func(_ context.Context, event []byte) ([]byte, error) {
			got = event
			return json.Marshal(resp)
		},
	}
	return g, &got
}

func TestGatewayBuildsAnHTTPAPIEvent(t *testing.T) {
	g, got := kindGateway("apigw-http", events.APIGatewayV2HTTPResponse{
		StatusCode: http.StatusOK,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Cookies:    []string{"a=1", "b=2"},
		Body:       `{"ok":true}`,
	})
	req := httptest.NewRequest(http.MethodGet, "/items/a%2Fb?tag=x&tag=y", nil)
	req.Header.Set("Cookie", "session=s1")
	req.Header.Set("X-Custom", "v")
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, req)

	assert.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, []string{"a=1", "b=2"}, rec.Header().Values("Set-Cookie"))
	var event events.APIGatewayV2HTTPRequest
	require.NoError(t, json.Unmarshal(*got, &event))
	assert.Equal(t, "2.0", event.Version)
	assert.Equal(t, "GET /items/{id}", event.RouteKey)
	assert.Equal(t, "/items/a%2Fb", event.RawPath)
	assert.Equal(t, map[string]string{"id": "a/b"}, event.PathParameters)
	assert.Equal(t, "x,y", event.QueryStringParameters["tag"])
	assert.Equal(t, []string{"session=s1"}, event.Cookies)
	assert.Equal(t, "v", event.Headers["x-custom"])
	assert.NotContains(t, event.Headers, "cookie")
	assert.Equal(t, http.MethodGet, event.RequestContext.HTTP.Method)
}

func TestGatewayRoutesHTTPAPIsLikeAPIGateway(t *testing.T) {
	g, got := kindGateway("apigw-http", events.APIGatewayV2HTTPResponse{StatusCode: http.StatusOK})
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodDelete, "/hello", nil))
	assert.Equal(t, http.StatusMethodNotAllowed, rec.Code)
	assert.Equal(t, "GET, POST", rec.Header().Get("Allow"))
	assert.Nil(t, *got, "API Gateway answers without invoking")
}

func TestGatewayBuildsAnALBEvent(t *testing.T) {
	g, got := kindGateway("alb", events.ALBTargetGroupResponse{
		StatusCode:        http.StatusTeapot,
		StatusDescription: "418 I'm a teapot",
		MultiValueHeaders: map[string][]string{"X-Multi": {"1", "2"}},
		Body:              base64.StdEncoding.EncodeToString([]byte("binary\xff")),
		IsBase64Encoded:   true,
	})
	req := httptest.NewRequest(http.MethodDelete, "/anything?q=a%20b", strings.NewReader(`{"x":1}`))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, req)

	assert.Equal(t, http.StatusTeapot, rec.Code, "the ALB passes any path and method on and honors the status")
	assert.Equal(t, []string{"1", "2"}, rec.Header().Values("X-Multi"))
	assert.Equal(t, []byte("binary\xff"), rec.Body.Bytes())
	var event events.ALBTargetGroupRequest
	require.NoError(t, json.Unmarshal(*got, &event))
	assert.Equal(t, http.MethodDelete, event.HTTPMethod)
	assert.Equal(t, "/anything", event.Path)
	assert.Equal(t, "a%20b", event.QueryStringParameters["q"], "an ALB does not decode the query string")
	assert.Equal(t, "application/json", event.Headers["content-type"])
	assert.Equal(t, "{\"x\":1}", event.Body)
	assert.NotEmpty(t, event.RequestContext.ELB.TargetGroupArn)
}

func TestGatewayBuildsAFunctionURLEvent(t *testing.T) {
	g, got := kindGateway("function-url", events.LambdaFunctionURLResponse{
		StatusCode: http.StatusNotFound,
		Headers:    map[string]string{"Content-Type": "application/json"},
		Body:       `{"error":"not found"}`,
	})
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, httptest.NewRequest(http.MethodPut, "/nowhere?x=1", strings.NewReader("\xff")))

	assert.Equal(t, http.StatusNotFound, rec.Code, "the function, not the URL, answers unknown paths")
	assert.JSONEq(t, `{"error":"not found"}`, rec.Body.String())
	var event events.LambdaFunctionURLRequest
	require.NoError(t, json.Unmarshal(*got, &event))
	assert.Equal(t, "2.0", event.Version)
	assert.Equal(t, "/nowhere", event.RawPath)
	assert.Equal(t, "x=1", event.RawQueryString)
	assert.Equal(t, http.MethodPut, event.RequestContext.HTTP.Method)
	assert.True(t, event.IsBase64Encoded)
}

func TestGatewayTakesAnyJSONAsAPayload2Body(t *testing.T) {
	for _, kind := range []string{"apigw-http", "function-url"} {
		t.Run(kind, func(t *testing.T) {
			g, _ := kindGateway(kind, map[string]string{"message": "hi"})
			rec := httptest.NewRecorder()
			g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hello", nil))
			assert.Equal(t, http.StatusOK, rec.Code)
			assert.JSONEq(t, `{"message":"hi"}`, rec.Body.String())
		})
	}
}

func TestGatewayRejectsAnALBResponseWithoutStatus(t *testing.T) {
	g, _ := kindGateway("alb", "hello")
	rec := httptest.NewRecorder()
	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hello", nil))
	assert.Equal(t, http.StatusBadGateway, rec.Code)
}
