package tracing

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"
)

// InstrumentSDK makes every client built from cfg create a span for each
// call, with the global tracer provider (see Start). Call it on the config
// before building the clients.
func InstrumentSDK(cfg *aws.Config) {
	AppendMiddlewares(&cfg.APIOptions, otel.GetTracerProvider())
}

// AppendMiddlewares adds to the API options of an AWS SDK config or client
// the middlewares that make a span of each call: a client span named
// Service.Operation (DynamoDB.PutItem), covering its retries, with the
// status code and request id of the response, and the error, if any.
func AppendMiddlewares(apiOptions *[]func(*middleware.Stack) error, tp trace.TracerProvider) {
	tracer := tp.Tracer(InstrumentationName)
	*apiOptions = append(*apiOptions, func(stack *middleware.Stack) error {
		// After the SDK's own initialize step, which records the service
		// and operation names that the span is named after.
		if err := stack.Initialize.Add(startSpan(tracer), middleware.After); err != nil {
			return err
		}
		return stack.Deserialize.Add(recordResponse(), middleware.Before)
	})
}

func startSpan(tracer trace.Tracer) middleware.InitializeMiddleware {
	return middleware.InitializeMiddlewareFunc("tracing.StartSpan", func(
		ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler,
	) (middleware.InitializeOutput, middleware.Metadata, error) {
		service, operation := awsmiddleware.GetServiceID(ctx), awsmiddleware.GetOperationName(ctx)
		ctx, span := tracer.Start(ctx, service+"."+operation, trace.WithSpanKind(trace.SpanKindClient),
			trace.WithAttributes(
				attribute.String("rpc.system", "aws-api"),
				attribute.String("rpc.service", service),
				attribute.String("rpc.method", operation),
				attribute.String("cloud.region", awsmiddleware.GetRegion(ctx)),
			))
		defer span.End()
		out, metadata, err := next.HandleInitialize(ctx, in)
		if requestID, ok := awsmiddleware.GetRequestIDMetadata(metadata); ok {
			span.SetAttributes(attribute.String("aws.request_id", requestID))
		}
		if err != nil {
			span.RecordError(err)
			span.SetStatus(codes.Error, operation+" failed")
		}
		return out, metadata, err
	})
}

// recordResponse notes each attempt's HTTP status code on the call's span
// (the last attempt's stays).
func recordResponse() middleware.DeserializeMiddleware {
	return middleware.DeserializeMiddlewareFunc("tracing.RecordResponse", func(
		ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler,
	) (middleware.DeserializeOutput, middleware.Metadata, error) {
		out, metadata, err := next.HandleDeserialize(ctx, in)
		if response, ok := out.RawResponse.(*smithyhttp.Response); ok && response != nil {
			trace.SpanFromContext(ctx).SetAttributes(attribute.Int("http.response.status_code", response.StatusCode))
		}
		return out, metadata, err
	})
}
