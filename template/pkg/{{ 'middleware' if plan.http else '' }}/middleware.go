// Package middleware holds what every API Gateway REST (proxy integration)
// handler shares: routing, JSON request decoding and responses, mapping
// errors to HTTP responses, panic recovery and access logging.
package middleware

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Handler handles one API Gateway REST proxy request. Unlike the function
// passed to lambda.Start, it may return an error; Wrap turns that error into
// an HTTP response.
type Handler func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error)

// Wrap applies the middleware every REST function uses. The returned Handler
// never returns an error, because API Gateway answers a function error with
// a bare 502.
func Wrap(next Handler) Handler {
	return Logging(Recover(MapErrors(next)))
}

// Logging logs one line per request with its method, resource, status and
// duration. The resource is the route template ("/users/{userId}"), so ids
// and query strings, which may hold tokens, stay out of the logs; headers
// (Authorization) and bodies (personal data) are never logged.
func Logging(next Handler) Handler {
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		start := time.Now()
		resp, err := next(ctx, req)
		slog.InfoContext(ctx, "request",
			"method", req.HTTPMethod,
			"resource", req.Resource,
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
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (resp events.APIGatewayProxyResponse, err error) {
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
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		resp, err := next(ctx, req)
		if err != nil {
			return ErrorResponse(ctx, err), nil
		}
		return resp, nil
	}
}
