// Package tracing gives the function OpenTelemetry spans: one for each
// invocation (see Wrap) and one for each AWS SDK call (see InstrumentSDK),
// children of the X-Ray trace that Lambda starts, exported to the X-Ray
// daemon of the execution environment over UDP.
//
// It uses the maintained parts only: the OpenTelemetry SDK, the AWS SDK's
// own middleware stack, and AWS's X-Ray UDP exporter. The contrib modules
// otellambda, otelaws and the X-Ray propagator are deprecated or no longer
// released, and the X-Ray SDK for Go is in maintenance mode.
//
// Spans are exported as they end, one UDP datagram each (a datagram has a
// size limit, and nothing is left in a buffer when Lambda freezes the
// environment); Wrap flushes before the invocation returns all the same.
// Outside Lambda, or when AWS_XRAY_DAEMON_ADDRESS is not set, spans are
// made but not exported.
package tracing

import (
	"context"
	"log/slog"
	"os"

	"github.com/aws-observability/aws-otel-go/exporters/xrayudp"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DaemonAddressEnv is the variable in which Lambda gives the X-Ray daemon's
// UDP address (host:port) when the function has active tracing.
const DaemonAddressEnv = "AWS_XRAY_DAEMON_ADDRESS"

// InstrumentationName names the tracer of this package's spans.
const InstrumentationName = "tracing"

// Start returns the function's tracer provider, exporting to the X-Ray
// daemon, and makes it the global one (which InstrumentSDK uses). It never
// fails: a function must run without its traces rather than not at all, so
// an exporter that cannot be built is logged and left out.
func Start() *sdktrace.TracerProvider {
	options := []sdktrace.TracerProviderOption{
		sdktrace.WithIDGenerator(XRayIDGenerator{}),
		sdktrace.WithResource(lambdaResource()),
	}
	if address := os.Getenv(DaemonAddressEnv); address != "" {
		exporter, err := xrayudp.NewSpanExporter(context.Background(), xrayudp.WithEndpoint(address))
		if err != nil {
			slog.Warn("tracing: no X-Ray exporter; spans are not exported", "error", err)
		} else {
			options = append(options, sdktrace.WithSyncer(exporter))
		}
	}
	tp := sdktrace.NewTracerProvider(options...)
	otel.SetTracerProvider(tp)
	return tp
}

// lambdaResource describes the function, from the variables Lambda sets.
func lambdaResource() *resource.Resource {
	return resource.NewSchemaless(
		attribute.String("service.name", os.Getenv("AWS_LAMBDA_FUNCTION_NAME")),
		attribute.String("faas.version", os.Getenv("AWS_LAMBDA_FUNCTION_VERSION")),
		attribute.String("cloud.provider", "aws"),
		attribute.String("cloud.platform", "aws_lambda"),
		attribute.String("cloud.region", os.Getenv("AWS_REGION")),
	)
}
