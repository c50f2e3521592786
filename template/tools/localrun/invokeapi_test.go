package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fakeRunner answers every invocation with response, or fails with err; it keeps the events.
type fakeRunner struct {
	response []byte
	err      error
	events   []string
}

func (f *fakeRunner) invoke(_ context.Context, event []byte) ([]byte, error) {
	f.events = append(f.events, string(event))
	return f.response, f.err
}

func (f *fakeRunner) stop() {}

func TestInvokeAPI(t *testing.T) {
	processor := &fakeRunner{response: []byte(`{"batchItemFailures":[{"itemIdentifier":"m-2"}]}`)}
	broken := &fakeRunner{err: &invocationError{Type: "Runtime.ExitError", Message: "TABLE_NAME is required (exit status 1)"}}
	var log bytes.Buffer
	api := &invokeAPI{ctx: t.Context(), runners: map[string]runner{"processor": processor, "ProcessorFunction": processor, "broken": broken}, log: &log}
	post := func(path, body string) *httptest.ResponseRecorder {
		w := httptest.NewRecorder()
		api.ServeHTTP(w, httptest.NewRequest(http.MethodPost, path, strings.NewReader(body)))
		return w
	}

	t.Run("the function's response, by construct id or name", func(t *testing.T) {
		for _, name := range []string{"ProcessorFunction", "processor"} {
			w := post("/2015-03-31/functions/"+name+"/invocations", `{"Records":[]}`)
			assert.Equal(t, http.StatusOK, w.Code)
			assert.JSONEq(t, `{"batchItemFailures":[{"itemIdentifier":"m-2"}]}`, w.Body.String())
			assert.Empty(t, w.Header().Get("X-Amz-Function-Error"))
		}
		assert.Equal(t, []string{`{"Records":[]}`, `{"Records":[]}`}, processor.events)
	})

	t.Run("a failed invocation: 200 with X-Amz-Function-Error, as Lambda's Invoke API", func(t *testing.T) {
		w := post("/2015-03-31/functions/broken/invocations", `{}`)
		assert.Equal(t, http.StatusOK, w.Code)
		assert.Equal(t, "Unhandled", w.Header().Get("X-Amz-Function-Error"))
		var failure map[string]string
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &failure))
		assert.Equal(t, map[string]string{"errorType": "Runtime.ExitError", "errorMessage": "TABLE_NAME is required (exit status 1)"}, failure)
		assert.Equal(t, "broken: Runtime.ExitError: TABLE_NAME is required (exit status 1) (an event from the local AWS)\n", log.String())
	})

	t.Run("unknown functions and paths: 404 in the handlers' error shape", func(t *testing.T) {
		for _, path := range []string{"/2015-03-31/functions/nope/invocations", "/2015-03-31/functions/processor", "/"} {
			w := post(path, `{}`)
			assert.Equal(t, http.StatusNotFound, w.Code, path)
			var body map[string]string
			require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body), path)
			assert.NotEmpty(t, body["error"], path)
		}
		w := httptest.NewRecorder()
		api.ServeHTTP(w, httptest.NewRequest(http.MethodGet, "/2015-03-31/functions/processor/invocations", nil))
		assert.Equal(t, http.StatusNotFound, w.Code, "POST only")
	})
}
