package tracing

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"strings"
	"time"

	"go.opentelemetry.io/otel/trace"
)

// TraceHeaderEnv is the variable in which aws-lambda-go also puts the
// invocation's X-Ray trace header.
const TraceHeaderEnv = "_X_AMZN_TRACE_ID"

// traceHeaderKey is the context key under which aws-lambda-go puts the
// invocation's X-Ray trace header (a plain string: its choice).
const traceHeaderKey = "x-amzn-trace-id"

// TraceHeader returns the X-Ray trace header of the invocation of ctx:
// Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1.
func TraceHeader(ctx context.Context) string {
	if header, ok := ctx.Value(traceHeaderKey).(string); ok && header != "" {
		return header
	}
	return ""
}

// ParseTraceHeader returns the span context that an X-Ray trace header
// names: Root (1-<8 hex digits of epoch seconds>-<24 hex digits>) is the
// trace id, Parent the span id, Sampled=1 the sampled flag. It is invalid
// (see trace.SpanContext.IsValid) when the header lacks a well-formed Root or
// Parent. Other fields, such as Lineage, are ignored.
//
// This replaces the contrib X-Ray propagator, which is deprecated.
func ParseTraceHeader(header string) trace.SpanContext {
	var config trace.SpanContextConfig
	for field := range strings.SplitSeq(header, ";") {
		key, value, _ := strings.Cut(strings.TrimSpace(field), "=")
		switch key {
		case "Root":
			version, rest, _ := strings.Cut(value, "-")
			epoch, random, _ := strings.Cut(rest, "-")
			if version != "1" || len(epoch) != 8 || len(random) != 24 {
				return trace.SpanContext{}
			}
			if _, err := hex.Decode(config.TraceID[:], []byte(epoch+random)); err != nil {
				return trace.SpanContext{}
			}
		case "Parent":
			if len(value) != 16 {
				return trace.SpanContext{}
			}
			if _, err := hex.Decode(config.SpanID[:], []byte(value)); err != nil {
				return trace.SpanContext{}
			}
		case "Sampled":
			if value == "1" {
				config.TraceFlags = trace.FlagsSampled
			}
		}
	}
	config.Remote = true
	return trace.NewSpanContext(config)
}

// XRayIDGenerator makes trace ids that X-Ray accepts, for traces that start
// here (no trace header, as in local runs): the first 4 bytes are the epoch
// seconds, the other 12 random. Span ids are random.
type XRayIDGenerator struct{}

// NewIDs returns a new trace id and span id.
func (XRayIDGenerator) NewIDs(context.Context) (trace.TraceID, trace.SpanID) {
	var id trace.TraceID
	binary.BigEndian.PutUint32(id[:4], uint32(time.Now().Unix())) //nolint:gosec // epoch seconds fit in 32 bits until 2106, as X-Ray's format assumes
	_, _ = rand.Read(id[4:])
	return id, newSpanID()
}

// NewSpanID returns a new span id.
func (XRayIDGenerator) NewSpanID(context.Context, trace.TraceID) trace.SpanID {
	return newSpanID()
}

func newSpanID() trace.SpanID {
	var id trace.SpanID
	for !id.IsValid() {
		_, _ = rand.Read(id[:])
	}
	return id
}
