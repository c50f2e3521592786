// Package queue sends messages to one Amazon SQS standard queue.
//
// Failures that callers usually branch on are reported as the sentinel errors
// [ErrInvalidDelay], [ErrInvalidMessage], [ErrNotFound] and [ErrThrottled];
// test them with errors.Is. The underlying SDK error stays in the chain for
// errors.As.
package queue

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// MaxDelay is the longest delivery delay SQS accepts for a message.
const MaxDelay = 15 * time.Minute

// Sentinel errors. Errors returned by [Queue] wrap at most one of them,
// together with the SDK error that caused it, if any.
var (
	// ErrInvalidDelay means the delay passed to [Queue.SendDelayed] is
	// outside [0, MaxDelay].
	ErrInvalidDelay = errors.New("queue: delay out of range")
	// ErrInvalidMessage means the message body is empty or contains
	// characters SQS does not accept.
	ErrInvalidMessage = errors.New("queue: invalid message")
	// ErrNotFound means the queue does not exist.
	ErrNotFound = errors.New("queue: queue not found")
	// ErrThrottled means SQS (or KMS, for an encrypted queue) throttled the
	// request, after the SDK's own retries.
	ErrThrottled = errors.New("queue: request throttled")
)

// API is the subset of the SQS client used by [Queue].
// *sqs.Client satisfies it.
type API interface {
	SendMessage(ctx context.Context, params *sqs.SendMessageInput, optFns ...func(*sqs.Options)) (*sqs.SendMessageOutput, error)
}

var _ API = (*sqs.Client)(nil)

// Queue sends messages to one queue.
// It holds no mutable state and is safe for concurrent use.
type Queue struct {
	api API
	url string
}

// New returns a Queue for the queue at queueURL, using api (normally an
// *sqs.Client) for every call.
func New(api API, queueURL string) *Queue {
	return &Queue{api: api, url: queueURL}
}

// URL returns the queue URL the Queue was created with.
func (q *Queue) URL() string { return q.url }

// Send enqueues body, which must not be empty, for delivery after the queue's
// default delay, and returns the message ID SQS assigned.
func (q *Queue) Send(ctx context.Context, body string) (messageID string, err error) {
	return q.send(ctx, "send", body, 0)
}

// SendDelayed enqueues body, which must not be empty, to become visible to
// consumers after delay, which must be within [0, MaxDelay]; a fraction of a
// second is rounded up. A positive delay overrides the queue's default delay;
// a zero delay keeps it, as the SDK does not send a zero DelaySeconds. It
// returns the message ID SQS assigned. FIFO queues reject per-message delays.
func (q *Queue) SendDelayed(ctx context.Context, body string, delay time.Duration) (messageID string, err error) {
	if delay < 0 || delay > MaxDelay {
		return "", fmt.Errorf("queue: send delayed: %v not in [0, %v]: %w", delay, MaxDelay, ErrInvalidDelay)
	}
	seconds := int32((delay + time.Second - 1) / time.Second) // ≤ 900: no overflow
	return q.send(ctx, "send delayed", body, seconds)
}

func (q *Queue) send(ctx context.Context, op, body string, delaySeconds int32) (string, error) {
	if body == "" {
		return "", fmt.Errorf("queue: %s: empty body: %w", op, ErrInvalidMessage)
	}
	out, err := q.api.SendMessage(ctx, &sqs.SendMessageInput{
		QueueUrl:     aws.String(q.url),
		MessageBody:  aws.String(body),
		DelaySeconds: delaySeconds,
	})
	if err != nil {
		return "", mapError(op, err)
	}
	return aws.ToString(out.MessageId), nil
}

func mapError(op string, err error) error {
	var (
		notExist     *types.QueueDoesNotExist
		invalid      *types.InvalidMessageContents
		throttled    *types.RequestThrottled
		kmsThrottled *types.KmsThrottled
	)
	switch {
	case errors.As(err, &notExist):
		return fmt.Errorf("queue: %s: %w: %w", op, ErrNotFound, err)
	case errors.As(err, &invalid):
		return fmt.Errorf("queue: %s: %w: %w", op, ErrInvalidMessage, err)
	case errors.As(err, &throttled), errors.As(err, &kmsThrottled):
		return fmt.Errorf("queue: %s: %w: %w", op, ErrThrottled, err)
	}
	return fmt.Errorf("queue: %s: %w", op, err)
}
