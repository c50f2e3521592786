package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// maxPayload is Lambda's limit for a synchronous request payload.
const maxPayload = 6 * 1024 * 1024

// serve runs every HTTP function and serves each on its own port, the way each gets its own
// API in AWS, until ctx is canceled (Ctrl-C). With a local AWS, it runs the other functions too,
// for the events the local AWS routes to them (invokeapi.go). With watch, it rebuilds and
// restarts them when their sources change.
func serve(ctx context.Context, opts options, bootstrapDir string, firstPort int, watch bool) error {
	mode, err := resolveRuntime(opts.runtime, opts.rie)
	if err != nil {
		return err
	}
	var aws *localAWS
	api := &invokeAPI{ctx: ctx, runners: map[string]runner{}, log: os.Stderr}
	if opts.localAWS != "" {
		listener, url, err := listenInvokeAPI()
		if err != nil {
			return err
		}
		defer listener.Close()
		env := append(os.Environ(), invokeURLVariable+"="+url)
		if aws, err = startLocalAWS(ctx, opts.localAWS, env, os.Stderr, localAWSWait); err != nil {
			return err
		}
		defer aws.stop()
		fmt.Fprintln(os.Stderr, aws.describe())
		serveInvokeAPI(ctx, listener, api)
	}
	out := &output{logs: os.Stderr, reports: os.Stderr, verbose: opts.verbose}
	var functionsServed []served
	defer func() {
		for _, s := range functionsServed {
			s.run.stop()
		}
	}()
	// The functions that run: the HTTP ones, the authorizer functions they call, and with a
	// local AWS every function. All are set up before the first request can come.
	authorizers := map[string]bool{}
	for _, fn := range functions {
		if len(fn.routes) > 0 && fn.auth == "lambda" {
			authorizers[fn.authorizer] = true
		}
	}
	runners := map[string]runner{}
	for _, fn := range functions {
		if len(fn.routes) == 0 && aws == nil && !authorizers[fn.name] {
			continue // not an HTTP function: use make invoke, or AWS=local for its events
		}
		cfg, err := configure(fn, filepath.Join(bootstrapDir, fn.name, "bootstrap"), opts, aws)
		if err != nil {
			return err
		}
		run := newRunner(mode, opts.rie, cfg, out)
		functionsServed = append(functionsServed, served{fn: fn, bootstrap: cfg.bootstrap, run: run})
		runners[fn.name] = run
		api.runners[fn.name], api.runners[fn.cdkID] = run, run
	}
	// An invocation runs to its end even when the client goes away, as in Lambda; Ctrl-C (ctx)
	// ends it.
	invokeOf := func(run runner) func(context.Context, []byte) ([]byte, error) {
		if run == nil {
			return nil
		}
		return func(_ context.Context, event []byte) ([]byte, error) { return run.invoke(ctx, event) }
	}
	var servers []*http.Server
	port := firstPort
	for _, fn := range functions {
		if len(fn.routes) == 0 {
			continue // invoked by the local AWS or by an API's authorizer only
		}
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		g := &gateway{fn: fn, invoke: invokeOf(runners[fn.name]), authorizer: invokeOf(runners[fn.authorizer]), log: os.Stderr}
		srv := &http.Server{Addr: addr, Handler: g, ReadHeaderTimeout: 10 * time.Second}
		listener, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("function %s: %w (choose another DEV_PORT)", fn.name, err)
		}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(listener) }()
		fmt.Fprintf(os.Stderr, "%s: http://%s  (%s)\n", fn.name, addr, strings.Join(slices.DeleteFunc(
			[]string{fn.describeRoutes(), describeAuth(fn)}, func(s string) bool { return s == "" }), "; "))
		port++
	}
	if len(servers) == 0 && aws == nil {
		return errors.New("this project has no HTTP functions; use make invoke, or make dev AWS=local for the events of a local AWS")
	}
	fmt.Fprintln(os.Stderr, describeRuntime(mode)+"; each starts on its first request")

	var watching sync.WaitGroup
	if watch {
		if root, err := moduleRoot(); err != nil {
			fmt.Fprintln(os.Stderr, "not watching the sources:", err)
		} else {
			watching.Go(func() {
				watchSources(ctx, root, watchInterval, func(changed []string) {
					rebuild(ctx, root, functionsServed, changed, os.Stderr)
				})
			})
			fmt.Fprintln(os.Stderr, "watching the Go sources: a saved change rebuilds and restarts the functions")
		}
	}
	fmt.Fprintln(os.Stderr, "serving; press Ctrl-C to stop")
	<-ctx.Done()
	watching.Wait()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdown)
	}
	return nil
}

// frontEnd is what stands before an HTTP function of one kind in AWS, as make dev plays it.
type frontEnd struct {
	// routes: the front end routes before it invokes (API Gateway); an ALB target and a function
	// URL get every request, and their handler routes.
	routes bool
	// lenient: payload 2.0 takes a response that is not a response object as the body of a 200;
	// API Gateway REST and the ALB answer 502 instead.
	lenient bool
	// event builds the kind's Lambda event; rt and params are set when routes is, auth when
	// the function has an authorizer (its auth, played by gatewayauth.go).
	event func(r *http.Request, rt *route, params map[string]string, body []byte, auth *authorization) any
}

// frontEnds holds everything make dev knows about each HTTP kind.
var frontEnds = map[string]frontEnd{
	"apigw-rest": {routes: true, event: func(r *http.Request, rt *route, params map[string]string, body []byte, auth *authorization) any {
		return restEvent(r, *rt, params, body, auth)
	}},
	"apigw-http": {routes: true, lenient: true, event: func(r *http.Request, rt *route, params map[string]string, body []byte, auth *authorization) any {
		return httpAPIEvent(r, *rt, params, body, auth)
	}},
	"alb": {event: func(r *http.Request, _ *route, _ map[string]string, body []byte, _ *authorization) any {
		return albEvent(r, body)
	}},
	"function-url": {lenient: true, event: func(r *http.Request, _ *route, _ map[string]string, body []byte, auth *authorization) any {
		return functionURLEvent(r, body, auth)
	}},
}

// gateway plays API Gateway, the ALB or the function URL for one function, by its kind: HTTP
// request in, the kind's Lambda event out, and its response back.
type gateway struct {
	fn     function
	invoke func(ctx context.Context, event []byte) ([]byte, error) // the runner's, or a test's
	// authorizer invokes fn's authorizer function (auth lambda): its runner's, or a test's.
	authorizer func(ctx context.Context, event []byte) ([]byte, error)
	log        io.Writer // failed invocations and refused requests, one line each
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	front, ok := frontEnds[g.fn.kind]
	if !ok {
		writeJSONError(w, http.StatusInternalServerError, "make dev cannot serve functions of kind "+g.fn.kind)
		return
	}
	var rt *route
	var params map[string]string
	if front.routes {
		var allowed []string
		if rt, params, allowed = g.fn.match(r.Method, r.URL.EscapedPath()); rt == nil {
			status := http.StatusNotFound
			if len(allowed) > 0 {
				w.Header().Set("Allow", strings.Join(allowed, ", "))
				status = http.StatusMethodNotAllowed
			}
			writeJSONError(w, status, "no route for "+r.Method+" "+r.URL.Path)
			return
		}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "request body over Lambda's 6 MB payload limit")
		return
	}
	auth, refused := g.authorize(r.Context(), r, rt, params)
	if refused != nil {
		if g.log != nil {
			_, _ = fmt.Fprintf(g.log, "%s: %d for %s %s: %s\n", g.fn.name, refused.status, r.Method, r.URL.Path, refused.reason)
		}
		refused.write(w)
		return
	}
	payload, err := json.Marshal(front.event(r, rt, params, body, auth))
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	if payload, err = g.invoke(r.Context(), payload); err != nil {
		// As make invoke puts it: "<fn>: <errorType>: <errorMessage>", and the request.
		if g.log != nil {
			_, _ = fmt.Fprintf(g.log, "%s: %v (%s %s)\n", g.fn.name, err, r.Method, r.URL.Path)
		}
		writeJSONError(w, http.StatusBadGateway, err.Error())
		return
	}
	var resp httpResponse
	if err := json.Unmarshal(payload, &resp); err != nil || resp.StatusCode == 0 {
		if !front.lenient {
			writeJSONError(w, http.StatusBadGateway, "malformed Lambda proxy response: "+string(payload))
			return
		}
		resp = httpResponse{StatusCode: http.StatusOK, Headers: map[string]string{"Content-Type": "application/json"}, Body: string(payload)}
	}
	writeResponse(w, resp)
}

// httpResponse holds the fields of every kind's response: API Gateway REST (v1) and HTTP API
// (v2), ALB target and function URL.
type httpResponse struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// restEvent builds the API Gateway REST (v1 proxy) event for an HTTP request: every value of a
// repeated query parameter or header in the multi-value fields, the last one in the others.
func restEvent(r *http.Request, rt route, params map[string]string, body []byte, auth *authorization) events.APIGatewayProxyRequest {
	query := r.URL.Query()
	event := events.APIGatewayProxyRequest{
		Resource:                        rt.path,
		Path:                            r.URL.Path,
		HTTPMethod:                      r.Method,
		Headers:                         lastValues(r.Header),
		MultiValueHeaders:               r.Header,
		QueryStringParameters:           lastValues(query),
		MultiValueQueryStringParameters: query,
		PathParameters:                  params,
		RequestContext: events.APIGatewayProxyRequestContext{
			RequestID:        rand.Text(),
			Stage:            "local",
			ResourcePath:     rt.path,
			HTTPMethod:       r.Method,
			Path:             r.URL.Path,
			Protocol:         r.Proto,
			RequestTimeEpoch: time.Now().UnixMilli(),
			Identity:         events.APIGatewayRequestIdentity{SourceIP: sourceIP(r.RemoteAddr), UserAgent: r.UserAgent()},
			Authorizer:       auth.restAuthorizer(),
		},
	}
	if auth != nil && auth.iam {
		event.RequestContext.Identity.UserArn, event.RequestContext.Identity.AccountID = auth.principal, "123456789012"
	}
	event.Body, event.IsBase64Encoded = eventBody(body)
	return event
}

// httpAPIEvent builds the API Gateway HTTP API (payload 2.0) event for an HTTP request.
func httpAPIEvent(r *http.Request, rt route, params map[string]string, body []byte, auth *authorization) events.APIGatewayV2HTTPRequest {
	headers, cookies := v2Headers(r)
	routeKey := rt.method + " " + rt.path
	event := events.APIGatewayV2HTTPRequest{
		Version:               "2.0",
		RouteKey:              routeKey,
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: joinedValues(r.URL.Query()),
		PathParameters:        params,
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			RouteKey:   routeKey,
			Stage:      "$default",
			RequestID:  rand.Text(),
			TimeEpoch:  time.Now().UnixMilli(),
			HTTP:       v2HTTP(r),
			Authorizer: auth.httpAuthorizer(),
		},
	}
	event.Body, event.IsBase64Encoded = eventBody(body)
	return event
}

// albEvent builds the event of an ALB target group without multi-value headers, the default the
// stack keeps: the last value of a repeated query parameter or header. An ALB passes the
// query string as sent, without decoding it.
func albEvent(r *http.Request, body []byte) events.ALBTargetGroupRequest {
	headers := map[string]string{}
	for name, values := range r.Header {
		headers[strings.ToLower(name)] = values[len(values)-1]
	}
	query := map[string]string{}
	for pair := range strings.SplitSeq(r.URL.RawQuery, "&") {
		if k, v, _ := strings.Cut(pair, "="); k != "" {
			query[k] = v
		}
	}
	event := events.ALBTargetGroupRequest{
		HTTPMethod:            r.Method,
		Path:                  r.URL.EscapedPath(),
		QueryStringParameters: query,
		Headers:               headers,
		RequestContext: events.ALBTargetGroupRequestContext{ELB: events.ELBContext{
			TargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:000000000000:targetgroup/local/0000000000000000",
		}},
	}
	event.Body, event.IsBase64Encoded = eventBody(body)
	return event
}

// functionURLEvent builds the function URL (payload 2.0, no routes) event for an HTTP request.
func functionURLEvent(r *http.Request, body []byte, auth *authorization) events.LambdaFunctionURLRequest {
	headers, cookies := v2Headers(r)
	event := events.LambdaFunctionURLRequest{
		Version:               "2.0",
		RawPath:               r.URL.EscapedPath(),
		RawQueryString:        r.URL.RawQuery,
		Cookies:               cookies,
		Headers:               headers,
		QueryStringParameters: joinedValues(r.URL.Query()),
		RequestContext: events.LambdaFunctionURLRequestContext{
			RequestID:  rand.Text(),
			TimeEpoch:  time.Now().UnixMilli(),
			HTTP:       events.LambdaFunctionURLRequestContextHTTPDescription(v2HTTP(r)),
			Authorizer: auth.functionURLAuthorizer(),
		},
	}
	event.Body, event.IsBase64Encoded = eventBody(body)
	return event
}

// v2Headers returns the headers as payload 2.0 has them: lower-case names, repeated values
// joined by commas, and the cookies of every Cookie header, as sent, in a list of their own.
func v2Headers(r *http.Request) (map[string]string, []string) {
	headers := map[string]string{}
	var cookies []string
	for name, values := range r.Header {
		if !strings.EqualFold(name, "Cookie") {
			headers[strings.ToLower(name)] = strings.Join(values, ",")
			continue
		}
		for _, line := range values {
			for cookie := range strings.SplitSeq(line, ";") {
				if cookie = strings.TrimSpace(cookie); cookie != "" {
					cookies = append(cookies, cookie)
				}
			}
		}
	}
	return headers, cookies
}

func v2HTTP(r *http.Request) events.APIGatewayV2HTTPRequestContextHTTPDescription {
	return events.APIGatewayV2HTTPRequestContextHTTPDescription{
		Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: sourceIP(r.RemoteAddr), UserAgent: r.UserAgent(),
	}
}

// lastValues returns the last value of each name, as the single-value fields of an API Gateway
// REST event hold it.
func lastValues(m map[string][]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v[len(v)-1]
	}
	return out
}

func joinedValues(m map[string][]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = strings.Join(v, ",")
	}
	return out
}

// eventBody returns the body as events carry it: text as is, anything else base64-encoded.
func eventBody(body []byte) (string, bool) {
	if utf8.Valid(body) {
		return string(body), false
	}
	return base64.StdEncoding.EncodeToString(body), true
}

// writeResponse answers with a function's response: its headers, the values of its multi-value
// headers that its headers do not already hold (as API Gateway merges them), one Set-Cookie
// header per cookie, and its body, decoded when it is base64.
func writeResponse(w http.ResponseWriter, resp httpResponse) {
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			writeJSONError(w, http.StatusBadGateway, "response body is not valid base64")
			return
		}
		body = decoded
	}
	for name, value := range resp.Headers {
		w.Header().Set(name, value)
	}
	for name, values := range resp.MultiValueHeaders {
		for _, value := range values {
			if !slices.Contains(w.Header().Values(name), value) {
				w.Header().Add(name, value)
			}
		}
	}
	for _, cookie := range resp.Cookies {
		w.Header().Add("Set-Cookie", cookie)
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

// writeJSONError answers with the body the generated handlers use for errors, {"error": ...}.
func writeJSONError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": message})
}

func sourceIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
