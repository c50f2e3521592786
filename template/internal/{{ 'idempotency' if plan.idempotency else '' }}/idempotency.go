// Package idempotency runs a piece of work once per key (an SQS message id, an
// EventBridge event id, an Idempotency-Key header), however often the same
// key is delivered: SQS, EventBridge and clients that retry all deliver at
// least once.
//
// It is the design of Powertools for AWS Lambda, over one DynamoDB table with
// a string partition key "id" and a TTL on "expiration":
//
//   - A conditional PutItem claims the key with status INPROGRESS, unless a
//     record exists that is neither expired nor an abandoned claim. The claim
//     lapses at the invocation's deadline (in_progress_expiration), so that a
//     function that timed out or crashed does not hold the key forever.
//   - When the work succeeds, the record becomes COMPLETED with its result,
//     until expiration (an hour by default): a repeat gets the stored result
//     and the work does not run again.
//   - When the work fails, the record is deleted, so that a retry runs it.
//   - A repeat that arrives while the first delivery is still running gets
//     [ErrInProgress]: report it as failed, and its retry finds the result.
//
// A failed claim returns the existing record with the error
// (ReturnValuesOnConditionCheckFailure ALL_OLD), so a repeat costs one request.
package idempotency

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Attribute names of the table's records, as Powertools names them.
const (
	KeyAttribute                  = "id"
	StatusAttribute               = "status"
	DataAttribute                 = "data"
	ExpirationAttribute           = "expiration"             // epoch seconds; the table's TTL attribute
	InProgressExpirationAttribute = "in_progress_expiration" // epoch milliseconds
)

// The stored statuses. An expired record is one whose expiration has passed:
// DynamoDB's TTL deletes it within days, so expiry is checked here too.
const (
	StatusInProgress = "INPROGRESS"
	StatusCompleted  = "COMPLETED"
)

// DefaultExpiration is how long a completed record answers repeats: longer
// than SQS and EventBridge retry a delivery.
const DefaultExpiration = time.Hour

// ErrInProgress means that another invocation is running the work of the same
// key now. Report the item as failed (or answer 409): when it is retried,
// the first invocation will have finished or its claim lapsed.
var ErrInProgress = errors.New("idempotency: the same key is being processed by another invocation")

// API is the subset of the DynamoDB client that [Store] uses.
// *dynamodb.Client satisfies it.
type API interface {
	PutItem(ctx context.Context, params *dynamodb.PutItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(ctx context.Context, params *dynamodb.UpdateItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, params *dynamodb.DeleteItemInput, optFns ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
}

// Store records which keys were processed, in one DynamoDB table. It is safe
// for concurrent use. A nil *Store keeps no records: Do always runs the work,
// which is what handler tests built without dependencies want.
type Store struct {
	client     API
	table      string
	scope      string
	expiration time.Duration
	now        func() time.Time
}

// New returns a Store over the table. scope prefixes every key, so that
// functions sharing the table do not see each other's keys (the function's
// name is a good scope).
func New(client API, table, scope string) *Store {
	return &Store{client: client, table: table, scope: scope, expiration: DefaultExpiration, now: time.Now}
}

// WithExpiration returns a copy of s whose completed records answer repeats
// for d instead of [DefaultExpiration].
func (s *Store) WithExpiration(d time.Duration) *Store {
	c := *s
	c.expiration = d
	return &c
}

// WithClock returns a copy of s that reads the time from now, for tests.
func (s *Store) WithClock(now func() time.Time) *Store {
	c := *s
	c.now = now
	return &c
}

// Do runs work once for key and returns its result. When a record of key has
// completed and not expired, Do returns the stored result without running
// work; when another invocation holds key, it returns [ErrInProgress]. An
// error of work is returned as it is, and the claim deleted so that a retry
// runs work again.
//
// The claim lapses at the deadline of ctx (for a handler, the invocation's),
// or after the expiration when ctx has none.
func (s *Store) Do(ctx context.Context, key string, work func(context.Context) ([]byte, error)) ([]byte, error) {
	if s == nil {
		return work(ctx)
	}
	if key == "" {
		return nil, errors.New("idempotency: empty key")
	}
	id := s.recordID(key)
	stored, err := s.claim(ctx, id)
	if err != nil || stored != nil {
		return stored, err
	}
	result, workErr := work(ctx)
	if workErr != nil {
		// A fresh context: the work may have failed because ctx ended, and
		// the claim must go all the same.
		release, cancel := context.WithTimeout(context.WithoutCancel(ctx), 2*time.Second)
		defer cancel()
		if err := s.release(release, id); err != nil {
			slog.WarnContext(ctx, "idempotency: claim not released; retries wait for it to lapse", "error", err)
		}
		return nil, workErr
	}
	if err := s.complete(ctx, id, result); err != nil {
		return nil, err
	}
	return result, nil
}

// recordID is the record's key: the scope and a hash of the key, so that keys
// of any length and content fit DynamoDB's limits and never reach the table
// as they are (an Idempotency-Key may be anything).
func (s *Store) recordID(key string) string {
	sum := sha256.Sum256([]byte(key))
	return s.scope + "#" + hex.EncodeToString(sum[:])
}

// claim writes the INPROGRESS record, unless a live record exists: it then
// returns that record's result (COMPLETED, never nil) or ErrInProgress.
func (s *Store) claim(ctx context.Context, id string) ([]byte, error) {
	now := s.now()
	inProgressUntil := now.Add(s.expiration)
	if deadline, ok := ctx.Deadline(); ok {
		inProgressUntil = deadline
	}
	_, err := s.client.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: aws.String(s.table),
		Item: map[string]types.AttributeValue{
			KeyAttribute:                  &types.AttributeValueMemberS{Value: id},
			StatusAttribute:               &types.AttributeValueMemberS{Value: StatusInProgress},
			ExpirationAttribute:           seconds(now.Add(s.expiration)),
			InProgressExpirationAttribute: millis(inProgressUntil),
		},
		ConditionExpression: aws.String("attribute_not_exists(#id) OR #expiry < :now OR " +
			"(#status = :inprogress AND attribute_exists(#in_progress_expiry) AND #in_progress_expiry < :now_in_millis)"),
		ExpressionAttributeNames: map[string]string{
			"#id":                 KeyAttribute,
			"#expiry":             ExpirationAttribute,
			"#status":             StatusAttribute,
			"#in_progress_expiry": InProgressExpirationAttribute,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now":           seconds(now),
			":now_in_millis": millis(now),
			":inprogress":    &types.AttributeValueMemberS{Value: StatusInProgress},
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	var taken *types.ConditionalCheckFailedException
	switch {
	case err == nil:
		return nil, nil
	case errors.As(err, &taken):
		return existing(taken.Item)
	default:
		return nil, fmt.Errorf("idempotency: claim: %w", err)
	}
}

// existing is what a live record found by a failed claim means.
func existing(item map[string]types.AttributeValue) ([]byte, error) {
	status, _ := item[StatusAttribute].(*types.AttributeValueMemberS)
	if status == nil || status.Value != StatusCompleted {
		return nil, ErrInProgress
	}
	data, _ := item[DataAttribute].(*types.AttributeValueMemberB)
	if data == nil || data.Value == nil {
		return []byte{}, nil
	}
	return data.Value, nil
}

// complete stores the result and keeps the record until its expiration.
func (s *Store) complete(ctx context.Context, id string, result []byte) error {
	if result == nil {
		result = []byte{}
	}
	_, err := s.client.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName:        aws.String(s.table),
		Key:              map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: id}},
		UpdateExpression: aws.String("SET #status = :completed, #data = :data, #expiry = :expiry REMOVE #in_progress_expiry"),
		ExpressionAttributeNames: map[string]string{
			"#status":             StatusAttribute,
			"#data":               DataAttribute,
			"#expiry":             ExpirationAttribute,
			"#in_progress_expiry": InProgressExpirationAttribute,
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":completed": &types.AttributeValueMemberS{Value: StatusCompleted},
			":data":      &types.AttributeValueMemberB{Value: result},
			":expiry":    seconds(s.now().Add(s.expiration)),
		},
	})
	if err != nil {
		// The work ran: retrying would run it again, and the claim lapses at
		// the deadline. Failing is still right: the result is not stored.
		return fmt.Errorf("idempotency: store the result: %w", err)
	}
	return nil
}

// release deletes the claim after the work failed.
func (s *Store) release(ctx context.Context, id string) error {
	_, err := s.client.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: aws.String(s.table),
		Key:       map[string]types.AttributeValue{KeyAttribute: &types.AttributeValueMemberS{Value: id}},
	})
	return err
}

func seconds(t time.Time) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.Unix(), 10)}
}

func millis(t time.Time) types.AttributeValue {
	return &types.AttributeValueMemberN{Value: strconv.FormatInt(t.UnixMilli(), 10)}
}
