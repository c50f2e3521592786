// Package topic publishes messages to one Amazon SNS standard topic.
//
// Failures that callers usually branch on are reported as the sentinel errors
// [ErrInvalidMessage], [ErrNotFound] and [ErrThrottled]; test them with
// errors.Is. The underlying SDK error stays in the chain for errors.As.
package topic

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// Sentinel errors. Errors returned by [Topic] wrap at most one of them,
// together with the SDK error that caused it, if any.
var (
	// ErrInvalidMessage means the message or its attributes were rejected:
	// an empty message, attribute name or attribute value, or a parameter
	// SNS refused.
	ErrInvalidMessage = errors.New("topic: invalid message")
	// ErrNotFound means the topic does not exist.
	ErrNotFound = errors.New("topic: topic not found")
	// ErrThrottled means SNS (or KMS, for an encrypted topic) throttled the
	// request, after the SDK's own retries.
	ErrThrottled = errors.New("topic: request throttled")
)

// API is the subset of the SNS client used by [Topic].
// *sns.Client satisfies it.
type API interface {
	Publish(ctx context.Context, params *sns.PublishInput, optFns ...func(*sns.Options)) (*sns.PublishOutput, error)
}

var _ API = (*sns.Client)(nil)

// Topic publishes to one topic.
// It holds no mutable state and is safe for concurrent use.
type Topic struct {
	api API
	arn string
}

// New returns a Topic for the topic with the given ARN, using api (normally
// an *sns.Client) for every call.
func New(api API, topicARN string) *Topic {
	return &Topic{api: api, arn: topicARN}
}

// ARN returns the topic ARN the Topic was created with.
func (t *Topic) ARN() string { return t.arn }

// Publish sends message, which must not be empty, with the given message
// attributes (sent as String attributes, usable in subscription filter
// policies; may be nil), and returns the message ID SNS assigned.
func (t *Topic) Publish(ctx context.Context, message string, attributes map[string]string) (messageID string, err error) {
	if message == "" {
		return "", fmt.Errorf("topic: publish: empty message: %w", ErrInvalidMessage)
	}
	in := &sns.PublishInput{
		TopicArn: aws.String(t.arn),
		Message:  aws.String(message),
	}
	if len(attributes) > 0 {
		in.MessageAttributes = make(map[string]types.MessageAttributeValue, len(attributes))
		for name, value := range attributes {
			if name == "" || value == "" {
				return "", fmt.Errorf("topic: publish: attribute %q: empty name or value: %w", name, ErrInvalidMessage)
			}
			in.MessageAttributes[name] = types.MessageAttributeValue{
				DataType:    aws.String("String"),
				StringValue: aws.String(value),
			}
		}
	}
	out, err := t.api.Publish(ctx, in)
	if err != nil {
		return "", mapError(err)
	}
	return aws.ToString(out.MessageId), nil
}

func mapError(err error) error {
	var (
		notFound     *types.NotFoundException
		invalidParam *types.InvalidParameterException
		invalidValue *types.InvalidParameterValueException
		throttled    *types.ThrottledException
		kmsThrottled *types.KMSThrottlingException
	)
	switch {
	case errors.As(err, &notFound):
		return fmt.Errorf("topic: publish: %w: %w", ErrNotFound, err)
	case errors.As(err, &invalidParam), errors.As(err, &invalidValue):
		return fmt.Errorf("topic: publish: %w: %w", ErrInvalidMessage, err)
	case errors.As(err, &throttled), errors.As(err, &kmsThrottled):
		return fmt.Errorf("topic: publish: %w: %w", ErrThrottled, err)
	}
	return fmt.Errorf("topic: publish: %w", err)
}
