package middleware

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// The adapters below turn a Handler into the entry point of one event kind:
// they convert the aws-lambda-go request into a Request and the Response
// into the kind's response. Each depends only on aws-lambda-go, so all of
// them are here whichever kinds the project uses.

// APIGatewayProxy adapts h to API Gateway REST API proxy integrations
// (payload 1.0). API Gateway names the route: the resource template. It
// sends every value of a repeated query parameter or header, and merges the
// response's headers and multi-value headers itself.
func APIGatewayProxy(h Handler) func(context.Context, events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
	return func(ctx context.Context, in events.APIGatewayProxyRequest) (events.APIGatewayProxyResponse, error) {
		headers, multiHeaders := eventHeaders(in.Headers, in.MultiValueHeaders)
		resp, err := h(ctx, Request{
			Method:            in.HTTPMethod,
			Route:             in.Resource,
			Path:              in.Path,
			URLPath:           cmp.Or(in.RequestContext.Path, in.Path),
			PathParameters:    in.PathParameters,
			Query:             singleValues(in.QueryStringParameters, in.MultiValueQueryStringParameters),
			MultiValueQuery:   in.MultiValueQueryStringParameters,
			Headers:           headers,
			MultiValueHeaders: multiHeaders,
			Body:              in.Body,
			IsBase64Encoded:   in.IsBase64Encoded,
			Caller:            restCaller(in.RequestContext),
		})
		return events.APIGatewayProxyResponse{
			StatusCode:        resp.StatusCode,
			Headers:           resp.Headers,
			MultiValueHeaders: withSetCookies(resp.MultiValueHeaders, resp.Cookies),
			Body:              resp.Body,
			IsBase64Encoded:   resp.IsBase64Encoded,
		}, err
	}
}

// APIGatewayV2HTTP adapts h to API Gateway HTTP APIs (payload 2.0). The
// route key ("GET /users/{userId}") names the route, except for the
// $default route, where the router matches the path. Payload 2.0 joins a
// repeated query parameter's values with commas, so they are read from the
// raw query string, and it carries cookies apart from the headers, both ways.
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
			MultiValueQuery: parseQuery(in.RawQueryString),
			Headers:         withCookies(lowerKeys(in.Headers), in.Cookies),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
			Caller:          httpCaller(in.RequestContext.Authorizer),
		})
		headers, cookies := oneValuePerHeader(resp)
		return events.APIGatewayV2HTTPResponse{
			StatusCode:      resp.StatusCode,
			Headers:         headers,
			Cookies:         cookies,
			Body:            resp.Body,
			IsBase64Encoded: resp.IsBase64Encoded,
		}, err
	}
}

// ALBTargetGroup adapts h to Application Load Balancer targets. An ALB has
// no routes: the router matches the path. Its query parameters arrive as
// sent, so they are decoded here. The target group's multi-value headers
// setting decides both ways: with it on, the request carries only
// multi-value fields and the ALB reads only the response's multi-value
// headers; with it off, the request carries the last value of each name and
// the response can have one value per name, so one cookie: the first, and
// the others are dropped with a warning.
func ALBTargetGroup(h Handler) func(context.Context, events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
	return func(ctx context.Context, in events.ALBTargetGroupRequest) (events.ALBTargetGroupResponse, error) {
		query, multiQuery := albQuery(in.QueryStringParameters, in.MultiValueQueryStringParameters)
		headers, multiHeaders := eventHeaders(in.Headers, in.MultiValueHeaders)
		resp, err := h(ctx, Request{
			Method:            in.HTTPMethod,
			Path:              in.Path,
			URLPath:           in.Path,
			Query:             query,
			MultiValueQuery:   multiQuery,
			Headers:           headers,
			MultiValueHeaders: multiHeaders,
			Body:              in.Body,
			IsBase64Encoded:   in.IsBase64Encoded,
		})
		out := events.ALBTargetGroupResponse{
			StatusCode: resp.StatusCode,
			// The ALB requires it, e.g. "200 OK".
			StatusDescription: fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode)),
			Body:              resp.Body,
			IsBase64Encoded:   resp.IsBase64Encoded,
		}
		if in.MultiValueHeaders != nil {
			out.MultiValueHeaders = allValues(resp)
		} else {
			out.Headers = albHeaders(ctx, resp)
		}
		return out, err
	}
}

// LambdaFunctionURL adapts h to function URLs (payload 2.0 without routes):
// the router matches the path. CORS is the URL's configuration, not the
// handler's business. Query strings, headers and cookies work as for
// APIGatewayV2HTTP.
func LambdaFunctionURL(h Handler) func(context.Context, events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
	return func(ctx context.Context, in events.LambdaFunctionURLRequest) (events.LambdaFunctionURLResponse, error) {
		resp, err := h(ctx, Request{
			Method:          in.RequestContext.HTTP.Method,
			Path:            in.RawPath,
			URLPath:         in.RawPath,
			Query:           in.QueryStringParameters,
			MultiValueQuery: parseQuery(in.RawQueryString),
			Headers:         withCookies(lowerKeys(in.Headers), in.Cookies),
			Body:            in.Body,
			IsBase64Encoded: in.IsBase64Encoded,
			Caller:          functionURLCaller(in.RequestContext.Authorizer),
		})
		headers, cookies := oneValuePerHeader(resp)
		return events.LambdaFunctionURLResponse{
			StatusCode:      resp.StatusCode,
			Headers:         headers,
			Cookies:         cookies,
			Body:            resp.Body,
			IsBase64Encoded: resp.IsBase64Encoded,
		}, err
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

// eventHeaders returns the headers of a payload 1.0 event (REST API, ALB)
// keyed by lower-case name: one value per name, single's or else the last of
// multi's, and every value when the event has multi-value headers (nil
// otherwise). Each name is lowered once for both maps: a REST event holds
// every header twice, in canonical case.
func eventHeaders(single map[string]string, multi map[string][]string) (map[string]string, map[string][]string) {
	if multi == nil {
		return lowerKeys(single), nil
	}
	one := make(map[string]string, len(multi))
	all := make(map[string][]string, len(multi))
	for k, values := range multi {
		lower := strings.ToLower(k)
		all[lower] = values
		if v, ok := single[k]; ok {
			one[lower] = v
		} else if len(values) > 0 {
			one[lower] = values[len(values)-1]
		}
	}
	for k, v := range single {
		if _, ok := multi[k]; !ok {
			one[strings.ToLower(k)] = v
		}
	}
	return one, all
}

// withCookies puts back the Cookie header that payload 2.0 moves into a
// list of its own.
func withCookies(headers map[string]string, cookies []string) map[string]string {
	if len(cookies) > 0 {
		headers["cookie"] = strings.Join(cookies, "; ")
	}
	return headers
}

// parseQuery decodes a raw query string into every value of each parameter,
// in order; a malformed escape is kept as sent. It returns nil for an empty
// query string.
func parseQuery(raw string) map[string][]string {
	if raw == "" {
		return nil
	}
	out := map[string][]string{}
	for pair := range strings.SplitSeq(raw, "&") {
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		k = queryUnescape(k)
		out[k] = append(out[k], queryUnescape(v))
	}
	return out
}

// albQuery decodes an ALB's query parameters, single- or multi-value,
// whichever the event carries: one value per name, and every value when the
// event has them (nil otherwise).
func albQuery(single map[string]string, multi map[string][]string) (map[string]string, map[string][]string) {
	if multi == nil {
		out := make(map[string]string, len(single))
		for k, v := range single {
			out[queryUnescape(k)] = queryUnescape(v)
		}
		return out, nil
	}
	out := make(map[string][]string, len(multi))
	for k, values := range multi {
		k = queryUnescape(k)
		for _, v := range values {
			out[k] = append(out[k], queryUnescape(v))
		}
	}
	return singleValues(nil, out), out
}

// queryUnescape decodes an ALB query key or value; a malformed escape is
// kept as sent.
func queryUnescape(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// withSetCookies returns the multi-value headers with the cookies added as
// Set-Cookie headers. It copies headers rather than change the handler's map.
func withSetCookies(headers map[string][]string, cookies []string) map[string][]string {
	if len(cookies) == 0 {
		return headers
	}
	out := make(map[string][]string, len(headers)+1)
	maps.Copy(out, headers)
	addSetCookies(out, cookies)
	return out
}

// allValues returns every header of resp, cookies included, as multi-value
// headers: for a name in both maps, Headers' value comes first.
func allValues(resp Response) map[string][]string {
	out := make(map[string][]string, len(resp.Headers)+len(resp.MultiValueHeaders)+1)
	for k, v := range resp.Headers {
		out[k] = []string{v}
	}
	for k, values := range resp.MultiValueHeaders {
		out[k] = append(out[k], values...)
	}
	addSetCookies(out, resp.Cookies)
	return out
}

// addSetCookies adds the cookies to the Set-Cookie header of headers, in
// whatever case headers names it.
func addSetCookies(headers map[string][]string, cookies []string) {
	if len(cookies) == 0 {
		return
	}
	name, _ := headerKey(headers, "Set-Cookie")
	headers[name] = append(slices.Clip(headers[name]), cookies...)
}

// oneValuePerHeader returns resp's headers for the services that take one
// value per name (payload 2.0, an ALB target group without multi-value
// headers) and its cookies. A name with several values gets them joined
// with commas, which HTTP defines as the same, Headers' value first; but
// Set-Cookie values cannot be joined, so they join the cookies.
func oneValuePerHeader(resp Response) (map[string]string, []string) {
	if len(resp.MultiValueHeaders) == 0 {
		return resp.Headers, resp.Cookies
	}
	headers := make(map[string]string, len(resp.Headers)+len(resp.MultiValueHeaders))
	maps.Copy(headers, resp.Headers)
	cookies := slices.Clip(resp.Cookies)
	for k, values := range resp.MultiValueHeaders {
		if strings.EqualFold(k, "Set-Cookie") {
			cookies = append(cookies, values...)
			continue
		}
		if v, ok := headers[k]; ok {
			values = append([]string{v}, values...)
		}
		headers[k] = strings.Join(values, ", ")
	}
	return headers, cookies
}

// albHeaders returns resp's headers for an ALB target group without
// multi-value headers, which takes one value per name and so one Set-Cookie
// header: the one in Headers, or else the first cookie. It logs the cookies
// it drops, which only turning the target group's multi-value headers on
// can send.
func albHeaders(ctx context.Context, resp Response) map[string]string {
	headers, cookies := oneValuePerHeader(resp)
	if len(cookies) == 0 {
		return headers
	}
	if _, ok := headerKey(headers, "Set-Cookie"); !ok {
		next := make(map[string]string, len(headers)+1)
		maps.Copy(next, headers)
		next["Set-Cookie"], headers, cookies = cookies[0], next, cookies[1:]
	}
	if len(cookies) > 0 {
		slog.WarnContext(ctx, "Set-Cookie headers dropped: the ALB target group takes one per response "+
			"unless its multi-value headers are on (lambda.multi_value_headers.enabled)", "dropped", len(cookies))
	}
	return headers
}

// headerKey returns the key under which headers holds the header name,
// whatever its case, and whether it holds it.
func headerKey[V any](headers map[string]V, name string) (string, bool) {
	for k := range headers {
		if strings.EqualFold(k, name) {
			return k, true
		}
	}
	return name, false
}
