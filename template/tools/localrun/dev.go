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
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
)

// maxPayload is Lambda's limit for a synchronous request payload.
const maxPayload = 6 * 1024 * 1024

// serve runs every HTTP function under its own emulator and serves each on its own port, the
// way each gets its own API in AWS, until ctx is canceled (Ctrl-C).
func serve(ctx context.Context, rie, bootstrapDir string, firstPort int) error {
	var servers []*http.Server
	var emulators []*emulator
	defer func() {
		for _, e := range emulators {
			e.stop()
		}
	}()
	port := firstPort
	for _, fn := range functions {
		if len(fn.routes) == 0 {
			continue // not an HTTP function: use make invoke
		}
		e, err := startEmulator(ctx, rie, filepath.Join(bootstrapDir, fn.name, "bootstrap"), fn.name, os.Stderr)
		if err != nil {
			return err
		}
		emulators = append(emulators, e)
		addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
		srv := &http.Server{
			Addr:              addr,
			Handler:           &gateway{fn: fn, invoke: e.invoke},
			ReadHeaderTimeout: 10 * time.Second,
		}
		listener, err := net.Listen("tcp", addr)
		if err != nil {
			return fmt.Errorf("function %s: %w (choose another DEV_PORT)", fn.name, err)
		}
		servers = append(servers, srv)
		go func() { _ = srv.Serve(listener) }()
		fmt.Fprintf(os.Stderr, "%s: http://%s  (%s)\n", fn.name, addr, fn.describeRoutes())
		port++
	}
	if len(servers) == 0 {
		return errors.New("this project has no HTTP functions; use make invoke")
	}
	fmt.Fprintln(os.Stderr, "serving; press Ctrl-C to stop")
	<-ctx.Done()
	shutdown, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	for _, srv := range servers {
		_ = srv.Shutdown(shutdown)
	}
	return nil
}

// gateway plays API Gateway for one function: HTTP request in, Lambda event out, and back.
type gateway struct {
	fn     function
	invoke func(ctx context.Context, event []byte) ([]byte, error) // the emulator's, or a test's
}

func (g *gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt, params, allowed := g.fn.match(r.Method, r.URL.Path)
	if rt == nil {
		status := http.StatusNotFound
		if len(allowed) > 0 {
			w.Header().Set("Allow", strings.Join(allowed, ", "))
			status = http.StatusMethodNotAllowed
		}
		writeJSONError(w, status, "no route for "+r.Method+" "+r.URL.Path)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "request body over Lambda's 6 MB payload limit")
		return
	}
	event, err := json.Marshal(restEvent(r, *rt, params, body))
	if err != nil {
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	payload, err := g.invoke(r.Context(), event)
	if err != nil {
		writeJSONError(w, http.StatusBadGateway, err.Error())
		return
	}
	var resp events.APIGatewayProxyResponse
	if err := json.Unmarshal(payload, &resp); err != nil || resp.StatusCode == 0 {
		// API Gateway answers 502 when a proxy integration returns something else.
		writeJSONError(w, http.StatusBadGateway, "malformed Lambda proxy response: "+string(payload))
		return
	}
	writeRESTResponse(w, resp)
}

// restEvent builds the API Gateway REST (v1 proxy) event for an HTTP request.
func restEvent(r *http.Request, rt route, params map[string]string, body []byte) events.APIGatewayProxyRequest {
	headers := map[string]string{}
	for name, values := range r.Header {
		headers[name] = values[0]
	}
	query := map[string]string{}
	for name, values := range r.URL.Query() {
		query[name] = values[0]
	}
	event := events.APIGatewayProxyRequest{
		Resource:                        rt.path,
		Path:                            r.URL.Path,
		HTTPMethod:                      r.Method,
		Headers:                         headers,
		MultiValueHeaders:               r.Header,
		QueryStringParameters:           query,
		MultiValueQueryStringParameters: r.URL.Query(),
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
		},
	}
	if utf8.Valid(body) {
		event.Body = string(body)
	} else {
		event.Body = base64.StdEncoding.EncodeToString(body)
		event.IsBase64Encoded = true
	}
	return event
}

func writeRESTResponse(w http.ResponseWriter, resp events.APIGatewayProxyResponse) {
	for name, value := range resp.Headers {
		w.Header().Set(name, value)
	}
	for name, values := range resp.MultiValueHeaders {
		for _, value := range values {
			w.Header().Add(name, value)
		}
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		decoded, err := base64.StdEncoding.DecodeString(resp.Body)
		if err != nil {
			writeJSONError(w, http.StatusBadGateway, "response body is not valid base64")
			return
		}
		body = decoded
	}
	w.WriteHeader(resp.StatusCode)
	_, _ = w.Write(body)
}

func writeJSONError(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": message})
}

func sourceIP(remoteAddr string) string {
	host, _, err := net.SplitHostPort(remoteAddr)
	if err != nil {
		return remoteAddr
	}
	return host
}
