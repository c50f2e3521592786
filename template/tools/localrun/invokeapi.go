package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// With a local AWS, make dev routes events between functions as AWS does: the local AWS
// (tools/localaws) polls the queues and streams that trigger functions, and the topics, buckets
// and rules that notify them, and invokes each function here, through the path of Lambda's
// Invoke API, with the event AWS would send. The response tells it what failed (an SQS message
// to receive again, a stream record to retry from).

// invokePath is the path of Lambda's Invoke API, around a function name.
const invokePath, invokePathEnd = "/2015-03-31/functions/", "/invocations"

// invokeAPI serves POST /2015-03-31/functions/<function>/invocations for the functions it
// holds, keyed by name and by CDK construct id. As Lambda's, it answers a failed invocation
// with 200, the header X-Amz-Function-Error and the error as {"errorType", "errorMessage"}.
type invokeAPI struct {
	ctx     context.Context // make dev's: an invocation runs to its end when its caller goes away
	runners map[string]runner
	log     io.Writer // failed invocations, one line each
}

func (a *invokeAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rest, prefixed := strings.CutPrefix(r.URL.Path, invokePath)
	name, suffixed := strings.CutSuffix(rest, invokePathEnd)
	if !prefixed || !suffixed || r.Method != http.MethodPost {
		writeJSONError(w, http.StatusNotFound, "want POST "+invokePath+"<function>"+invokePathEnd)
		return
	}
	run, ok := a.runners[name]
	if !ok {
		writeJSONError(w, http.StatusNotFound, "no function "+name)
		return
	}
	event, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	if err != nil {
		writeJSONError(w, http.StatusRequestEntityTooLarge, "event over Lambda's 6 MB payload limit")
		return
	}
	payload, err := run.invoke(a.ctx, event)
	var failed *invocationError
	switch {
	case errors.As(err, &failed):
		_, _ = fmt.Fprintf(a.log, "%s: %v (an event from the local AWS)\n", name, failed)
		w.Header().Set("X-Amz-Function-Error", "Unhandled")
		payload, _ = json.Marshal(failed)
	case err != nil:
		writeJSONError(w, http.StatusInternalServerError, err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(payload)
}

// listenInvokeAPI takes a loopback port for the Invoke API, before the local AWS that calls it
// starts; serveInvokeAPI serves it once the functions exist. It returns the API's URL.
func listenInvokeAPI() (net.Listener, string, error) {
	listener, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", fmt.Errorf("the Invoke API for the local AWS: %w", err)
	}
	return listener, "http://" + listener.Addr().String(), nil
}

// serveInvokeAPI serves api on listener until ctx ends.
func serveInvokeAPI(ctx context.Context, listener net.Listener, api *invokeAPI) {
	srv := &http.Server{Handler: api, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(listener) }()
	go func() {
		<-ctx.Done()
		shutdown, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shutdown)
	}()
}
