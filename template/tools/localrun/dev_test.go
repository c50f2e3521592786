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

// repeatedValues is a request with a repeated query parameter and header, and two Cookie headers.
func repeatedValues() *http.Request {
	req := httptest.NewRequest(http.MethodGet, "/hello?tag=a&tag=b%2Cc&tag=d+e", nil)
	req.Header.Add("X-Tag", "x")
	req.Header.Add("X-Tag", "y")
	req.Header.Add("Cookie", "a=1; b=2")
	req.Header.Add("Cookie", "c=3")
	return req
}

// TestGatewayCarriesRepeatedValues checks each kind's event for a repeated query parameter, a
// repeated header and several cookies, as its service sends them.
func TestGatewayCarriesRepeatedValues(t *testing.T) {
	tests := []struct {
		kind  string
		check func(t *testing.T, event []byte)
	}{
		{"apigw-rest", func(t *testing.T, event []byte) {
			var e events.APIGatewayProxyRequest
			require.NoError(t, json.Unmarshal(event, &e))
			assert.Equal(t, []string{"a", "b,c", "d e"}, e.MultiValueQueryStringParameters["tag"])
			assert.Equal(t, "d e", e.QueryStringParameters["tag"], "the last value")
			assert.Equal(t, []string{"x", "y"}, e.MultiValueHeaders["X-Tag"])
			assert.Equal(t, "y", e.Headers["X-Tag"], "the last value")
			assert.Equal(t, []string{"a=1; b=2", "c=3"}, e.MultiValueHeaders["Cookie"])
		}},
		{"apigw-http", func(t *testing.T, event []byte) {
			var e events.APIGatewayV2HTTPRequest
			require.NoError(t, json.Unmarshal(event, &e))
			assert.Equal(t, "tag=a&tag=b%2Cc&tag=d+e", e.RawQueryString)
			assert.Equal(t, "a,b,c,d e", e.QueryStringParameters["tag"], "the values joined by commas")
			assert.Equal(t, "x,y", e.Headers["x-tag"], "the values joined by commas")
			assert.Equal(t, []string{"a=1", "b=2", "c=3"}, e.Cookies)
			assert.NotContains(t, e.Headers, "cookie")
		}},
		{"alb", func(t *testing.T, event []byte) {
			var e events.ALBTargetGroupRequest
			require.NoError(t, json.Unmarshal(event, &e))
			assert.Equal(t, "d+e", e.QueryStringParameters["tag"], "the last value, as sent")
			assert.Equal(t, "y", e.Headers["x-tag"], "the last value")
			assert.Equal(t, "c=3", e.Headers["cookie"], "the last Cookie header")
			assert.Nil(t, e.MultiValueHeaders, "the target group's multi-value headers are off")
		}},
		{"function-url", func(t *testing.T, event []byte) {
			var e events.LambdaFunctionURLRequest
			require.NoError(t, json.Unmarshal(event, &e))
			assert.Equal(t, "tag=a&tag=b%2Cc&tag=d+e", e.RawQueryString)
			assert.Equal(t, "a,b,c,d e", e.QueryStringParameters["tag"], "the values joined by commas")
			assert.Equal(t, "x,y", e.Headers["x-tag"], "the values joined by commas")
			assert.Equal(t, []string{"a=1", "b=2", "c=3"}, e.Cookies)
			assert.NotContains(t, e.Headers, "cookie")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			g, got := kindGateway(tt.kind, map[string]any{"statusCode": http.StatusOK})
			rec := httptest.NewRecorder()

			g.ServeHTTP(rec, repeatedValues())

			require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
			tt.check(t, *got)
		})
	}
}

// TestGatewayAnswersEachKindsResponse checks that the HTTP client gets every header value, every
// cookie and the bytes of a base64 body, from each kind's response.
func TestGatewayAnswersEachKindsResponse(t *testing.T) {
	body := []byte("\x89PNG\x00\xff")
	encoded := base64.StdEncoding.EncodeToString(body)
	cookies := []string{"a=1; Path=/; HttpOnly", "b=2; Max-Age=60"}
	tests := []struct {
		kind       string
		resp       any
		wantVary   []string
		wantCookie []string
	}{
		{"apigw-rest", events.APIGatewayProxyResponse{
			StatusCode:        http.StatusOK,
			Headers:           map[string]string{"Content-Type": "image/png", "Vary": "Accept"},
			MultiValueHeaders: map[string][]string{"Vary": {"Accept", "Cookie"}, "Set-Cookie": cookies},
			Body:              encoded,
			IsBase64Encoded:   true,
		}, []string{"Accept", "Cookie"}, cookies},
		{"apigw-http", events.APIGatewayV2HTTPResponse{
			StatusCode:      http.StatusOK,
			Headers:         map[string]string{"Content-Type": "image/png", "Vary": "Accept, Cookie"},
			Cookies:         cookies,
			Body:            encoded,
			IsBase64Encoded: true,
		}, []string{"Accept, Cookie"}, cookies},
		{"alb", events.ALBTargetGroupResponse{
			StatusCode:        http.StatusOK,
			StatusDescription: "200 OK",
			MultiValueHeaders: map[string][]string{"Content-Type": {"image/png"}, "Vary": {"Accept", "Cookie"}, "Set-Cookie": cookies},
			Body:              encoded,
			IsBase64Encoded:   true,
		}, []string{"Accept", "Cookie"}, cookies},
		{"function-url", events.LambdaFunctionURLResponse{
			StatusCode:      http.StatusOK,
			Headers:         map[string]string{"Content-Type": "image/png", "Vary": "Accept, Cookie"},
			Cookies:         cookies,
			Body:            encoded,
			IsBase64Encoded: true,
		}, []string{"Accept, Cookie"}, cookies},
	}
	for _, tt := range tests {
		t.Run(tt.kind, func(t *testing.T) {
			g, _ := kindGateway(tt.kind, tt.resp)
			rec := httptest.NewRecorder()

			g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hello", nil))

			assert.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, "image/png", rec.Header().Get("Content-Type"))
			assert.Equal(t, tt.wantVary, rec.Header().Values("Vary"))
			assert.Equal(t, tt.wantCookie, rec.Header().Values("Set-Cookie"))
			assert.Equal(t, body, rec.Body.Bytes())
		})
	}
}

func TestGatewayRejectsABodyThatIsNotBase64(t *testing.T) {
	g, _ := kindGateway("apigw-http", events.APIGatewayV2HTTPResponse{
		StatusCode:      http.StatusOK,
		Headers:         map[string]string{"Content-Type": "image/png"},
		Cookies:         []string{"a=1"},
		Body:            "not base64!",
		IsBase64Encoded: true,
	})
	rec := httptest.NewRecorder()

	g.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/hello", nil))

	assert.Equal(t, http.StatusBadGateway, rec.Code)
	assert.JSONEq(t, `{"error":"response body is not valid base64"}`, rec.Body.String())
	assert.Equal(t, "application/json", rec.Header().Get("Content-Type"))
	assert.Empty(t, rec.Header().Values("Set-Cookie"), "nothing of the broken response reaches the client")
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
