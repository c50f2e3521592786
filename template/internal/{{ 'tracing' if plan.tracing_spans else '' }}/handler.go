package tracing

import (
	"context"
	"log/slog"
	"os"
	"sync/atomic"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambdacontext"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// Provider is what Wrap needs of a tracer provider: its tracer and a flush.
// *sdktrace.TracerProvider satisfies it.
type Provider interface {
	trace.TracerProvider
	ForceFlush(ctx context.Context) error
}

// Wrap returns the Lambda handler of handler (any function that
// lambda.Start accepts) inside a span for each invocation: named after the
// function, a child of the invocation's X-Ray trace, with the request id. The
// spans it ends are flushed before the invocation returns, since Lambda may
// freeze the environment as soon as it has.
func Wrap(tp Provider, handler any) lambda.Handler {
	name := os.Getenv("AWS_LAMBDA_FUNCTION_NAME")
	if name == "" {
		name = "handler"
	}
	return &traced{inner: lambda.NewHandler(handler), tp: tp, tracer: tp.Tracer(InstrumentationName), name: name}
}

type traced struct {
	inner  lambda.Handler
	tp     Provider
	tracer trace.Tracer
	name   string
	warm   atomic.Bool // set by the first invocation
}

// Invoke runs one invocation in its span.
func (t *traced) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	if parent := ParseTraceHeader(TraceHeader(ctx)); parent.IsValid() {
		ctx = trace.ContextWithRemoteSpanContext(ctx, parent)
	}
	attributes := []attribute.KeyValue{attribute.Bool("faas.coldstart", !t.warm.Swap(true))}
	if lc, ok := lambdacontext.FromContext(ctx); ok {
		attributes = append(attributes,
			attribute.String("faas.invocation_id", lc.AwsRequestID),
			attribute.String("cloud.resource_id", lc.InvokedFunctionArn))
	}
	ctx, span := t.tracer.Start(ctx, t.name, trace.WithSpanKind(trace.SpanKindServer), trace.WithAttributes(attributes...))
	defer func() {
		span.End()
		if err := t.tp.ForceFlush(context.WithoutCancel(ctx)); err != nil {
			slog.WarnContext(ctx, "tracing: spans not flushed", "error", err)
		}
	}()
	response, err := t.inner.Invoke(ctx, payload)
	if err != nil {
		span.RecordError(err)
		span.SetStatus(codes.Error, "handler error")
	}
	return response, err
}
