package main

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
)

// runtimeAPI serves the Lambda Runtime API to one bootstrap process, and the two calls of the
// Extensions API that lambda.WithEnableSIGTERM makes. See
// https://docs.aws.amazon.com/lambda/latest/dg/runtimes-api.html.
type runtimeAPI struct {
	name    string
	arn     string
	timeout time.Duration

	events     chan *invocation      // the invoker hands an event over; GET .../next takes it
	initFailed chan *invocationError // POST /runtime/init/error
	closed     chan struct{}         // closed when the process is gone: blocked calls return
	extension  atomic.Bool           // an extension registered: Lambda sends SIGTERM before SIGKILL

	mu       sync.Mutex
	pending  map[string]*invocation // handed to the runtime, not answered yet
	answered map[string]bool
}

// invocation is one event on its way through the runtime.
type invocation struct {
	id     string
	event  []byte
	result chan outcome // buffered: the runtime's one answer
	// delivered is when GET .../next handed the event to the function: where Lambda ends a cold
	// start's INIT and starts the invocation's Duration. The Runtime API's goroutine sets it; the
	// invoker's reads it, since under load the invoker may resume after the function has answered.
	delivered atomic.Pointer[time.Time]
}

type outcome struct {
	payload []byte
	err     *invocationError
	at      time.Time // when the runtime answered: the end of the Duration
}

// deliveredAt is when the function took the event, or otherwise (it never did, or not yet) when.
func (inv *invocation) deliveredAt(otherwise time.Time) time.Time {
	if at := inv.delivered.Load(); at != nil {
		return *at
	}
	return otherwise
}

func newRuntimeAPI(cfg functionConfig) *runtimeAPI {
	return &runtimeAPI{
		name:       cfg.name,
		arn:        "arn:aws:lambda:" + cfg.region + ":000000000000:function:" + cfg.name,
		timeout:    cfg.timeout,
		events:     make(chan *invocation),
		initFailed: make(chan *invocationError, 1),
		closed:     make(chan struct{}),
		pending:    map[string]*invocation{},
		answered:   map[string]bool{},
	}
}

func (a *runtimeAPI) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /2018-06-01/runtime/invocation/next", a.next)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/response", a.response)
	mux.HandleFunc("POST /2018-06-01/runtime/invocation/{id}/error", a.invocationError)
	mux.HandleFunc("POST /2018-06-01/runtime/init/error", a.initError)
	mux.HandleFunc("POST /2020-01-01/extension/register", a.registerExtension)
	mux.HandleFunc("GET /2020-01-01/extension/event/next", a.extensionNext)
	return mux
}

// next blocks until there is an event, then sends it with the headers aws-lambda-go needs:
// without a deadline it fails every invocation.
func (a *runtimeAPI) next(w http.ResponseWriter, r *http.Request) {
	select {
	case inv := <-a.events:
		now := time.Now()
		inv.delivered.Store(&now)
		a.mu.Lock()
		a.pending[inv.id] = inv
		a.mu.Unlock()
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(a.timeout).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", a.arn)
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.event)
	case <-r.Context().Done():
	case <-a.closed:
	}
}

// response takes the function's result. aws-lambda-go streams it (chunked) and reports an
// error while streaming in the trailers, so the body is read to its end before they count.
func (a *runtimeAPI) response(w http.ResponseWriter, r *http.Request) {
	inv, ok := a.take(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		inv.answer(outcome{err: &invocationError{
			Type:    "Function.ResponseSizeTooLarge",
			Message: fmt.Sprintf("Response payload size exceeded maximum allowed payload size (%d bytes).", maxPayload),
		}})
		apiError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLarge", "response over 6 MB")
		return
	case err != nil:
		inv.answer(outcome{err: &invocationError{Type: "Runtime.TruncatedResponse", Message: err.Error()}})
		apiError(w, http.StatusBadRequest, "InvalidRequest", err.Error())
		return
	}
	if errorType := r.Trailer.Get("Lambda-Runtime-Function-Error-Type"); errorType != "" {
		errorBody, _ := base64.StdEncoding.DecodeString(r.Trailer.Get("Lambda-Runtime-Function-Error-Body"))
		inv.answer(outcome{err: parseInvocationError(errorBody, errorType)})
	} else {
		inv.answer(outcome{payload: body})
	}
	accepted(w)
}

// invocationError takes the error the function returned (or panicked with).
func (a *runtimeAPI) invocationError(w http.ResponseWriter, r *http.Request) {
	inv, ok := a.take(w, r.PathValue("id"))
	if !ok {
		return
	}
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	inv.answer(outcome{err: parseInvocationError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type"))})
	accepted(w)
}

// initError takes a runtime's report that it cannot initialize (aws-lambda-go exits instead).
func (a *runtimeAPI) initError(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPayload))
	select {
	case a.initFailed <- parseInvocationError(body, r.Header.Get("Lambda-Runtime-Function-Error-Type")):
	default: // the first report is the one
	}
	accepted(w)
}

// registerExtension accepts any extension. Registering is what makes Lambda send SIGTERM (and
// wait 500 ms) before it kills the runtime; WithEnableSIGTERM registers one that subscribes to
// no events.
func (a *runtimeAPI) registerExtension(w http.ResponseWriter, _ *http.Request) {
	a.extension.Store(true)
	w.Header().Set("Lambda-Extension-Identifier", newRequestID())
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(map[string]string{"functionName": a.name, "functionVersion": "$LATEST", "handler": "bootstrap"})
}

// extensionNext blocks for good: an extension that subscribes to no events never gets one.
func (a *runtimeAPI) extensionNext(_ http.ResponseWriter, r *http.Request) {
	select {
	case <-r.Context().Done():
	case <-a.closed:
	}
}

// take claims the answer to invocation id, or answers as Lambda does: 400 for an id it never
// sent, 403 for one already answered.
func (a *runtimeAPI) take(w http.ResponseWriter, id string) (*invocation, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.answered[id] {
		apiError(w, http.StatusForbidden, "InvalidStateTransition", "invocation "+id+" was answered already")
		return nil, false
	}
	inv := a.pending[id]
	if inv == nil {
		apiError(w, http.StatusBadRequest, "InvalidRequestID", "no invocation "+id)
		return nil, false
	}
	delete(a.pending, id)
	a.answered[id] = true
	return inv, true
}

func (inv *invocation) answer(o outcome) {
	o.at = time.Now()
	select {
	case inv.result <- o:
	default:
	}
}

func accepted(w http.ResponseWriter) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusAccepted)
	_, _ = io.WriteString(w, `{"status":"OK"}`)
}

func apiError(w http.ResponseWriter, status int, errorType, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(invocationError{Type: errorType, Message: message})
}
