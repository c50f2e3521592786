package main

import (
	"encoding/base64"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runtimeAPIServer serves a Runtime API for function "fn" and hands it one invocation.
func runtimeAPIServer(t *testing.T) (*runtimeAPI, *httptest.Server, *invocation) {
	t.Helper()
	api := newRuntimeAPI(functionConfig{name: "fn", region: "eu-west-1", timeout: 30 * time.Second})
	srv := httptest.NewServer(api.handler())
	t.Cleanup(func() {
		close(api.closed)
		srv.Close()
	})
	inv := &invocation{id: "req-1", event: []byte(`{"a":1}`), result: make(chan outcome, 1)}
	go func() {
		select {
		case api.events <- inv:
		case <-api.closed:
		}
	}()
	return api, srv, inv
}

// reply is a response of the Runtime API, read.
type reply struct {
	status int
	header http.Header
	body   string
}

func call(t *testing.T, req *http.Request) reply {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer func() { _ = resp.Body.Close() }()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return reply{resp.StatusCode, resp.Header, string(body)}
}

func request(t *testing.T, method, url, body string) *http.Request {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, strings.NewReader(body))
	require.NoError(t, err)
	return req
}

func TestRuntimeAPIHandsOutTheEventWithLambdasHeaders(t *testing.T) {
	_, srv, _ := runtimeAPIServer(t)

	resp := call(t, request(t, http.MethodGet, srv.URL+"/2018-06-01/runtime/invocation/next", ""))

	assert.Equal(t, http.StatusOK, resp.status)
	assert.JSONEq(t, `{"a":1}`, resp.body)
	assert.Equal(t, "req-1", resp.header.Get("Lambda-Runtime-Aws-Request-Id"))
	assert.Equal(t, "arn:aws:lambda:eu-west-1:000000000000:function:fn", resp.header.Get("Lambda-Runtime-Invoked-Function-Arn"))
	deadline, err := strconv.ParseInt(resp.header.Get("Lambda-Runtime-Deadline-Ms"), 10, 64)
	require.NoError(t, err)
	assert.InDelta(t, time.Now().Add(30*time.Second).UnixMilli(), deadline, 1000)
}

func TestRuntimeAPIAnswersLikeLambda(t *testing.T) {
	_, srv, inv := runtimeAPIServer(t)
	base := srv.URL + "/2018-06-01/runtime/invocation/"
	before := time.Now()
	call(t, request(t, http.MethodGet, base+"next", ""))

	assert.Equal(t, http.StatusBadRequest, call(t, request(t, http.MethodPost, base+"nobody/response", "{}")).status, "unknown id")
	assert.Equal(t, http.StatusAccepted, call(t, request(t, http.MethodPost, base+"req-1/response", `"ok"`)).status)
	assert.Equal(t, http.StatusForbidden, call(t, request(t, http.MethodPost, base+"req-1/response", `"ok"`)).status, "answered twice")
	assert.Equal(t, http.StatusForbidden, call(t, request(t, http.MethodPost, base+"req-1/error", `{}`)).status)
	got := <-inv.result
	assert.Equal(t, []byte(`"ok"`), got.payload)
	assert.Nil(t, got.err)
	// The Duration is Lambda's: from the handover of the event to the answer, both on the
	// Runtime API's clock, whenever the invoker gets to read them.
	delivered := inv.deliveredAt(time.Time{})
	assert.True(t, before.Before(delivered), "delivered when GET next took the event")
	assert.True(t, delivered.Before(got.at), "answered after it was delivered")
	assert.False(t, got.at.After(time.Now()))
}

func TestRuntimeAPITakesErrors(t *testing.T) {
	api, srv, inv := runtimeAPIServer(t)
	base := srv.URL + "/2018-06-01/runtime/"
	call(t, request(t, http.MethodGet, base+"invocation/next", ""))

	req := request(t, http.MethodPost, base+"invocation/req-1/error", `{"errorMessage":"boom","errorType":"errorString"}`)
	req.Header.Set("Lambda-Runtime-Function-Error-Type", "errorString")
	assert.Equal(t, http.StatusAccepted, call(t, req).status)
	assert.Equal(t, &invocationError{Type: "errorString", Message: "boom"}, (<-inv.result).err)

	resp := call(t, request(t, http.MethodPost, base+"init/error", `{"errorMessage":"no config","errorType":"Runtime.InitError"}`))
	assert.Equal(t, http.StatusAccepted, resp.status)
	assert.Equal(t, &invocationError{Type: "Runtime.InitError", Message: "no config"}, <-api.initFailed)
}

// trailerReader is a chunked body that fails midway, as aws-lambda-go reports it: in trailers.
type trailerReader struct {
	body    io.Reader
	trailer http.Header
}

func (r *trailerReader) Read(p []byte) (int, error) {
	n, err := r.body.Read(p)
	if err == io.EOF {
		r.trailer.Set("Lambda-Runtime-Function-Error-Type", "errorString")
		r.trailer.Set("Lambda-Runtime-Function-Error-Body",
			base64.StdEncoding.EncodeToString([]byte(`{"errorMessage":"stream broke","errorType":"errorString"}`)))
	}
	return n, err
}

func TestRuntimeAPIReadsTheErrorInAStreamedResponsesTrailers(t *testing.T) {
	_, srv, inv := runtimeAPIServer(t)
	call(t, request(t, http.MethodGet, srv.URL+"/2018-06-01/runtime/invocation/next", ""))

	body := &trailerReader{body: strings.NewReader(`{"partial":`), trailer: http.Header{
		"Lambda-Runtime-Function-Error-Type": nil, "Lambda-Runtime-Function-Error-Body": nil,
	}}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/2018-06-01/runtime/invocation/req-1/response", body)
	require.NoError(t, err)
	req.Trailer = body.trailer

	assert.Equal(t, http.StatusAccepted, call(t, req).status)
	assert.Equal(t, &invocationError{Type: "errorString", Message: "stream broke"}, (<-inv.result).err)
}

func TestRuntimeAPIRegistersExtensions(t *testing.T) {
	api, srv, _ := runtimeAPIServer(t)

	resp := call(t, request(t, http.MethodPost, srv.URL+"/2020-01-01/extension/register", `{"events":null}`))

	assert.Equal(t, http.StatusOK, resp.status)
	assert.NotEmpty(t, resp.header.Get("Lambda-Extension-Identifier"))
	assert.True(t, api.extension.Load(), "stop sends SIGTERM first")
}
