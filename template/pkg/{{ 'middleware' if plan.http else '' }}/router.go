package middleware

import (
	"context"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Routes maps an API Gateway resource template, such as "/users/{userId}",
// and an HTTP method to the Handler serving it.
type Routes map[string]map[string]Handler

// Router returns a Handler that dispatches on req.Resource and
// req.HTTPMethod. An unknown resource gets 404; a known resource with an
// unsupported method gets 405 and an Allow header. routes must not be
// modified afterwards.
func Router(routes Routes) Handler {
	allow := make(map[string]string, len(routes))
	for resource, methods := range routes {
		allow[resource] = strings.Join(slices.Sorted(maps.Keys(methods)), ", ")
	}
	return func(ctx context.Context, req events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		methods, ok := routes[req.Resource]
		if !ok {
			return statusResponse(http.StatusNotFound), nil
		}
		next, ok := methods[req.HTTPMethod]
		if !ok {
			resp := statusResponse(http.StatusMethodNotAllowed)
			resp.Headers["Allow"] = allow[req.Resource]
			return resp, nil
		}
		return next(ctx, req)
	}
}
