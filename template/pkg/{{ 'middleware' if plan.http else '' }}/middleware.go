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
	"net/http"
	"runtime/debug"
	"strings"
	"time"
)

// Request is an HTTP request, whichever AWS service delivered it.
//
// Each service has its own way with repeated query parameters and headers:
// API Gateway REST APIs send every value; HTTP APIs and function URLs
// (payload 2.0) join a repeated header's values with commas, as HTTP allows,
// and send the query string as received; an ALB target group sends every
// value only with multi-value headers on, and otherwise only the last. Query
// and Headers hold one value per name; QueryValues and HeaderValues return
// every value the event carries.
type Request struct {
	Method string
	// Route is the route template that matched, such as "/users/{userId}";
	// empty until the router has matched Path when the event names no route
	// (ALB, function URL, an HTTP API's $default route).
	Route string
	// Path is the request path, as sent. Behind a REST API, API Gateway
	// strips the stage from it, but not a custom domain's base path.
	Path string
	// URLPath is the path of the URL the client called. Behind a REST API it
	// keeps the stage ("/prod/users") or a custom domain's base path
	// ("/v1/users"): build Location headers and links from it. Behind an HTTP
	// API it is the raw path: what the client called on the API's own
	// endpoint, a named stage included. Behind an HTTP API's custom domain
	// with API mappings, answer a relative Location instead ("users/U1" to a
	// POST on .../users), which the client resolves against the URL it called.
	URLPath        string
	PathParameters map[string]string
	// Query holds one value per query parameter, decoded: for a repeated
	// parameter, the last value (REST API, ALB) or the values joined with
	// commas (HTTP API, function URL), as the event carries it.
	Query map[string]string
	// MultiValueQuery holds every value of each query parameter, decoded, in
	// the order sent. It is nil when the event carries none (an ALB target
	// group without multi-value headers); QueryValues falls back to Query.
	MultiValueQuery map[string][]string
	// Headers holds one value per header, keyed by lower-case name: for a
	// repeated header, the last value (REST API, ALB) or the values joined
	// with commas (HTTP API, function URL), as the event carries it. For
	// payload 2.0 "cookie" holds the request's cookies, joined with "; ".
	Headers map[string]string
	// MultiValueHeaders holds every value of each header, keyed by lower-case
	// name, in the order sent. It is nil when the event carries none (HTTP
	// API, function URL, an ALB target group without multi-value headers);
	// HeaderValues falls back to Headers.
	MultiValueHeaders map[string][]string
	Body              string
	IsBase64Encoded   bool
	// Caller is who made the request, as the API's authorizer (or a function
	// URL's IAM auth) established it; the zero Caller without one.
	Caller Caller
}

// QueryValues returns every value of the query parameter name, in the order
// sent, or nil when it is absent. Behind an ALB target group without
// multi-value headers, only the last value reaches the function.
func (r Request) QueryValues(name string) []string {
	return values(r.MultiValueQuery, r.Query, name)
}

// HeaderValues returns every value of the header name, in any case, in the
// order sent, or nil when it is absent. Each value is one header line: behind
// an HTTP API or a function URL a repeated header arrives as one line, its
// values joined with commas, which HTTP defines as the same.
func (r Request) HeaderValues(name string) []string {
	return values(r.MultiValueHeaders, r.Headers, strings.ToLower(name))
}

// Cookies returns the request's cookies, from every Cookie header; malformed
// ones are skipped, as net/http does.
func (r Request) Cookies() []*http.Cookie {
	return r.cookieJar().Cookies()
}

// Cookie returns the named cookie, or http.ErrNoCookie.
func (r Request) Cookie(name string) (*http.Cookie, error) {
	return r.cookieJar().Cookie(name)
}

// cookieJar returns an http.Request holding only the Cookie headers, so that
// net/http parses them as it parses a server's requests.
func (r Request) cookieJar() *http.Request {
	return &http.Request{Header: http.Header{"Cookie": r.HeaderValues("cookie")}}
}

// values returns multi[name], or else single[name] as the only value.
func values(multi map[string][]string, single map[string]string, name string) []string {
	if v, ok := multi[name]; ok {
		return v
	}
	if v, ok := single[name]; ok {
		return []string{v}
	}
	return nil
}

// Response is an HTTP response, converted by the adapter into the response
// type of the event kind.
type Response struct {
	StatusCode int
	Headers    map[string]string
	// MultiValueHeaders holds the headers that have several values. A name
	// in both maps is sent with Headers' value first, then the others. An
	// HTTP API, a function URL and an ALB target group without multi-value
	// headers take one value per header: their adapters join the values with
	// commas, and send Set-Cookie values as Cookies.
	MultiValueHeaders map[string][]string
	// Cookies holds one Set-Cookie header value per cookie, such as
	// (&http.Cookie{Name: "session", Value: id, HttpOnly: true}).String().
	// An ALB target group without multi-value headers can send only one (see
	// ALBTargetGroup).
	Cookies []string
	Body    string
	// IsBase64Encoded tells the service to decode Body, base64, and send the
	// bytes: a binary body (see Binary).
	IsBase64Encoded bool
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
// (Authorization, cookies), bodies and the caller's claims (personal data)
// are never logged.
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
