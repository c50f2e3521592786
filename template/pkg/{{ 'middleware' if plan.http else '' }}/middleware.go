// Package middleware holds what every HTTP function shares, whatever invokes
// it (API Gateway REST or HTTP API, an Application Load Balancer, a function
// URL): routing, JSON request decoding and responses, mapping errors to HTTP
// responses, panic recovery and access logging. Handlers work on the neutral
// Request and Response; one adapter per event kind (adapters.go) converts
// the aws-lambda-go event in and the response out.
package middleware

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"
)

// Request is an HTTP request, whichever AWS service delivered it.
type Request struct {
	Method string
	// Route is the route template that matched, such as "/users/{userId}";
	// empty until the router has matched Path when the event names no route
	// (ALB, function URL, an HTTP API's $default route).
	Route string
	// Path is the request path, as sent.
	Path string
	// URLPath is the path of the URL the client called. Behind a REST API it
	// keeps the stage ("/prod/users") or a custom domain's base path, which
	// API Gateway strips from Path: build Location headers and links from it.
	URLPath        string
	PathParameters map[string]string
	// Query holds one value per query parameter, decoded.
	Query map[string]string
	// Headers holds one value per header, keyed by lower-case name.
	Headers         map[string]string
	Body            string
	IsBase64Encoded bool
}

// Response is an HTTP response, converted by the adapter into the response
// type of the event kind.
type Response struct {
	StatusCode int
	Headers    map[string]string
	Body       string
}

// Handler handles one request. Unlike the function passed to lambda.Start,
// it may return an error; Wrap turns that error into an HTTP response.
type Handler func(ctx context.Context, req Request) (Response, error)

// Wrap applies the middleware every HTTP function uses. The returned Handler
// never returns an error, because every caller answers a function error
// with a bare 502.
func Wrap(next Handler) Handler {
	return Logging(Recover(MapErrors(next)))
}

// Logging logs one line per request with its method, route, status and
// duration. The route is the template ("/users/{userId}"), so ids and query
// strings, which may hold tokens, stay out of the logs; headers
// (Authorization, cookies) and bodies (personal data) are never logged.
func Logging(next Handler) Handler {
	return func(ctx context.Context, req Request) (Response, error) {
		start := time.Now()
		resp, err := next(ctx, req)
		slog.InfoContext(ctx, "request",
			"method", req.Method,
			"resource", req.Route,
			"status", resp.StatusCode,
			"durationMs", float64(time.Since(start).Microseconds())/1000,
		)
		return resp, err
	}
}

// Recover turns a panic in next into a generic 500 response and logs it with
// its stack, so that one bad request cannot crash a warm execution
// environment.
func Recover(next Handler) Handler {
	return func(ctx context.Context, req Request) (resp Response, err error) {
		defer func() {
			if v := recover(); v != nil {
				slog.ErrorContext(ctx, "handler panicked", "panic", v, "stack", string(debug.Stack()))
				resp, err = internalError(), nil
			}
		}()
		return next(ctx, req)
	}
}

// MapErrors turns an error returned by next into a response; see
// ErrorResponse.
func MapErrors(next Handler) Handler {
	return func(ctx context.Context, req Request) (Response, error) {
		resp, err := next(ctx, req)
		if err != nil {
			return ErrorResponse(ctx, err), nil
		}
		return resp, nil
	}
}
