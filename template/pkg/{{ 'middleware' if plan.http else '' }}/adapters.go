package middleware

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// The adapters below turn a Handler into the entry point of one event kind:
// they convert the aws-lambda-go request into a Request and the Response
// into the kind's response. Each depends only on aws-lambda-go, so all of
// them are here whichever kinds the project uses.

// APIGatewayProxy adapts h to API Gateway REST API proxy integrations
// (payload 1.0). API Gateway names the route: the resource template.
func APIGatewayProxy(h Handler) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, in events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		resp, err := h(ctx, Request{
			Method:          in.HTTPMethod,
			Route:           in.Resource,
			Path:            in.Path,
			URLPath:         cmp.Or(in.RequestContext.Path, in.Path),
			PathParameters:  in.PathParameters,
			Query:           singleValues(in.QueryStringParameters, in.MultiValueQueryStringParameters),
			Headers:         lowerKeys(singleValues(in.Headers, in.MultiValueHeaders)),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
		})
		return events.APIGatewayProxyResponse{StatusCode: resp.StatusCode, Headers: resp.Headers, Body: resp.Body}, err
	}
}

// APIGatewayV2HTTP adapts h to API Gateway HTTP APIs (payload 2.0). The
// route key ("GET /users/{userId}") names the route, except for the
// $default route, where the router matches the path.
func APIGatewayV2HTTP(h Handler) func(context.Context, events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
	return func(ctx context.Context, in events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		_, route, _ := strings.Cut(in.RouteKey, " ") // "" for $default
		resp, err := h(ctx, Request{
			Method:          in.RequestContext.HTTP.Method,
			Route:           route,
			Path:            in.RawPath,
			URLPath:         in.RawPath,
			PathParameters:  in.PathParameters,
			Query:           in.QueryStringParameters,
			Headers:         withCookies(lowerKeys(in.Headers), in.Cookies),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
		})
		return events.APIGatewayV2HTTPResponse{StatusCode: resp.StatusCode, Headers: resp.Headers, Body: resp.Body}, err
	}
}

// ALBTargetGroup adapts h to Application Load Balancer targets. An ALB has
// no routes: the router matches the path. Its query parameters arrive as
// sent, so they are decoded here. When the target group has multi-value
// headers enabled the request carries only multi-value fields, and the ALB
// then reads only the multi-value headers of the response.
func ALBTargetGroup(h Handler) func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	return func(ctx context.Context, in events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		query := map[string]string{}
		for k, v := range singleValues(in.QueryStringParameters, in.MultiValueQueryStringParameters) {
			query[queryUnescape(k)] = queryUnescape(v)
		}
		resp, err := h(ctx, Request{
			Method:          in.HTTPMethod,
			Path:            in.Path,
			URLPath:         in.Path,
			Query:           query,
			Headers:         lowerKeys(singleValues(in.Headers, in.MultiValueHeaders)),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
		})
		out := events.ALBTargetGroupResponse{
			StatusCode: resp.StatusCode,
			// The ALB requires it, e.g. "200 OK".
			StatusDescription: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
			Body:              resp.Body,
		}
		if in.MultiValueHeaders != nil {
			out.MultiValueHeaders = make(map[string][]string, len(resp.Headers))
			for k, v := range resp.Headers {
				out.MultiValueHeaders[k] = []string{v}
			}
		} else {
			out.Headers = resp.Headers
		}
		return out, err
	}
}

// LambdaFunctionURL adapts h to function URLs (payload 2.0 without routes):
// the router matches the path. CORS is the URL's configuration, not the
// handler's business.
func LambdaFunctionURL(h Handler) func(context.Context, events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	return func(ctx context.Context, in events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
		resp, err := h(ctx, Request{
			Method:          in.RequestContext.HTTP.Method,
			Path:            in.RawPath,
			URLPath:         in.RawPath,
			Query:           in.QueryStringParameters,
			Headers:         withCookies(lowerKeys(in.Headers), in.Cookies),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
		})
		return events.LambdaFunctionURLResponse{StatusCode: resp.StatusCode, Headers: resp.Headers, Body: resp.Body}, err
	}
}

// singleValues returns single, or else the last of each of multi's values:
// the event holds one or the other depending on its source's settings.
func singleValues(single map[string]string, multi map[string][]string) map[string]string {
	if single != nil || multi == nil {
		return single
	}
	out := make(map[string]string, len(multi))
	for k, v := range multi {
		if len(v) > 0 {
			out[k] = v[len(v)-1]
		}
	}
	return out
}

// lowerKeys returns the headers keyed by lower-case name, as HTTP/2 and the
// payload 2.0 events send them, so that handlers look a header up one way.
func lowerKeys(headers map[string]string) map[string]string {
	out := make(map[string]string, len(headers))
	for k, v := range headers {
		out[strings.ToLower(k)] = v
	}
	return out
}

// withCookies puts back the Cookie header that payload 2.0 moves into a
// list of its own.
func withCookies(headers map[string]string, cookies []string) map[string]string {
	if len(cookies) > 0 {
		headers["cookie"] = strings.Join(cookies, "; ")
	}
	return headers
}

// queryUnescape decodes an ALB query key or value; a malformed escape is
// kept as sent.
func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
